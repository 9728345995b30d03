import type { KeyDescription, KeySource } from './keyring.js';
import { loadKeyring, type KeyringOptions } from './load-keyring.js';
import { countByKeyId, type WrappedKeyStore } from './wrapped-key-store.js';

export interface VaultStatusOptions extends KeyringOptions {
  readonly secrets: Pick<WrappedKeyStore, 'listWrappedKeys'>;
}

/** Stored values wrapped under one master key id. */
export interface KeyUsage {
  readonly keyId: string;
  readonly values: number;
  /** False when no key this vault holds has that id: those values cannot be opened here. */
  readonly held: boolean;
}

/** What `ostiary vault status` shows. Ids, roles, origins and counts only: no key material. */
export interface VaultStatus {
  readonly source: KeySource;
  readonly currentKeyId: string;
  readonly keys: readonly KeyDescription[];
  readonly usage: readonly KeyUsage[];
  /** A `vault.key.new` is present: a rekey did not finish; running it again finishes it. */
  readonly interruptedRekey: boolean;
}

/** Reads the keys (creating none) and counts the stored values under each key id. */
export async function vaultStatus(options: VaultStatusOptions): Promise<VaultStatus> {
  const keyring = await loadKeyring({ ...options, createIfMissing: false });
  const counts = countByKeyId(await options.secrets.listWrappedKeys());
  const usage = [...counts].map(([keyId, values]) => ({ keyId, values, held: keyring.find(keyId) !== undefined }));
  return Object.freeze({
    source: keyring.source,
    currentKeyId: keyring.current.id,
    keys: keyring.describe(),
    usage: usage.sort((a, b) => b.values - a.values || a.keyId.localeCompare(b.keyId)),
    interruptedRekey: keyring.entry('rekey-target') !== undefined,
  });
}
