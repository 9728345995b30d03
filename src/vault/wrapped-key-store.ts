/**
 * The part of the store that `vault rekey` and `vault status` need, as a structural type so
 * the vault does not depend on the store (the store's `SecretRepository` satisfies it).
 */
export interface WrappedKeyStore {
  /** Every stored secret version's wrapped data key. */
  listWrappedKeys(): Promise<readonly WrappedKeyRecord[]>;
  /** Rewrites the given wrapped data keys in one transaction: all or nothing. */
  rewrapKeys(rows: readonly WrappedKeyRecord[]): Promise<void>;
}

export interface WrappedKeyRecord {
  readonly secretId: string;
  readonly version: number;
  readonly masterKeyId: string;
  readonly wrappedKey: Buffer;
}

/** How many stored values are wrapped under each master key id. */
export function countByKeyId(rows: readonly WrappedKeyRecord[]): ReadonlyMap<string, number> {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.masterKeyId, (counts.get(row.masterKeyId) ?? 0) + 1);
  return counts;
}
