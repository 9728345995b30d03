import { keyError } from './master-key.js';
import { keyFilePaths, removeIfPresent, syncDir } from './key-file.js';
import { loadKeyring, type KeyringOptions } from './load-keyring.js';
import type { WrappedKeyStore } from './wrapped-key-store.js';

export interface DiscardPreviousKeyOptions extends KeyringOptions {
  readonly secrets: Pick<WrappedKeyStore, 'listWrappedKeys'>;
}

/**
 * Deletes `vault.key.old` once no stored value is wrapped under it, e.g. after a rekey made
 * because the old key may have leaked. Returns the discarded key's id, or `null` when there
 * was no old key. Refuses while a rekey is unfinished or any value still needs the key.
 */
export async function discardPreviousKey(options: DiscardPreviousKeyOptions): Promise<string | null> {
  const keyring = await loadKeyring({ ...options, createIfMissing: false });
  if (keyring.source === 'environment') {
    throw keyError('OSTIARY_MASTER_KEY', 'OSTIARY_MASTER_KEY is set: there are no key files to discard; destroy the old key where you keep it');
  }
  const previous = keyring.entry('previous');
  if (previous === undefined) return null;
  const pending = keyring.entry('rekey-target');
  if (pending !== undefined) throw keyError(pending.origin, `a rekey did not finish (${pending.origin} exists); run \`ostiary vault rekey\` first`);
  if (previous.key.id !== keyring.current.id) {
    const left = (await options.secrets.listWrappedKeys()).filter((row) => row.masterKeyId === previous.key.id).length;
    if (left > 0) {
      throw keyError(previous.origin, `${left} stored values are still wrapped under key id ${previous.key.id} (${previous.origin}); run \`ostiary vault rekey\` to move them first`);
    }
  }
  await removeIfPresent(keyFilePaths(options.dataDir).previous);
  await syncDir(options.dataDir);
  return previous.key.id;
}
