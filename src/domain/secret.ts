/**
 * An encrypted secret value as the vault seals it and the store keeps it. The store never
 * sees plaintext; only the vault opens a sealed value.
 */
export interface SealedSecret {
  /** Identifies the master key that wrapped `wrappedKey` (a fingerprint, not the key). */
  readonly masterKeyId: string;
  /** The per-secret data key, encrypted with the master key (AES-256-GCM: iv‖tag‖ciphertext). */
  readonly wrappedKey: Buffer;
  /** The value, encrypted with the data key (AES-256-GCM: iv‖tag‖ciphertext). */
  readonly ciphertext: Buffer;
}

/** `current` is the value in use; `pending` a rotation's new value not yet verified. */
export const SECRET_VERSION_STATES = ['current', 'pending', 'previous', 'discarded'] as const;
export type SecretVersionState = (typeof SECRET_VERSION_STATES)[number];

export interface SecretVersion extends SealedSecret {
  readonly secretId: string;
  readonly version: number;
  readonly state: SecretVersionState;
  /** Operation that created a pending version, if any. */
  readonly operationId: string | null;
  readonly createdAt: number;
}
