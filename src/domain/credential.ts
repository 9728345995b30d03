/** Rotation state of a credential (DESIGN.md §4); `out_of_sync` is a normal, visible state. */
export const CREDENTIAL_SYNC_STATES = ['in_sync', 'rotating', 'unverified', 'out_of_sync'] as const;
export type CredentialSyncState = (typeof CREDENTIAL_SYNC_STATES)[number];

export const CREDENTIAL_KINDS = ['password', 'private_key'] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

/** A custom field fills the mask of the same name; a secret one is stored in the vault. */
export interface CredentialField {
  readonly name: string;
  /** Plain value, or `null` when the value is a secret held by `secretId`. */
  readonly value: string | null;
  readonly secretId: string | null;
}

/** An account on a device. The secret itself lives in the vault under `secretId`. */
export interface Credential {
  readonly id: string;
  readonly deviceId: string;
  readonly username: string;
  readonly kind: CredentialKind;
  readonly secretId: string;
  /** Passphrase of a private key, if any. */
  readonly passphraseSecretId: string | null;
  readonly additionalInfo: string | null;
  readonly domain: string | null;
  readonly fields: readonly CredentialField[];
  readonly parentId: string | null;
  readonly reconcileCredentialId: string | null;
  readonly syncState: CredentialSyncState;
  readonly createdAt: number;
  readonly updatedAt: number;
}
