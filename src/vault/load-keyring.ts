import { ensureDataDir, keyFilePaths, publishKeyFile, readKeyFile, type KeyFilePaths } from './key-file.js';
import { Keyring, type KeyringEntry, type KeyRole } from './keyring.js';
import { keyError, masterKeyFromBytes, newMasterKeyBytes, parseMasterKey } from './master-key.js';

/** The environment variable that holds the master key when no key file is used. */
export const MASTER_KEY_ENV = 'OSTIARY_MASTER_KEY';

export interface KeyringOptions {
  /** Holds `vault.key` (and `vault.key.new` / `vault.key.old`) when no key is in the environment. */
  readonly dataDir: string;
  /** The value of `OSTIARY_MASTER_KEY`, or `null` to use the key file. */
  readonly masterKey: string | null;
  /**
   * Create `vault.key` when it is missing (first start). Commands that only inspect the
   * vault pass `false` and get `OST_VAULT_KEY` instead.
   * @defaultValue true
   */
  readonly createIfMissing?: boolean;
}

/**
 * The master keys a vault starts with. With `OSTIARY_MASTER_KEY` set, that key alone (key
 * files are not read). Otherwise `vault.key`, created on first start, plus `vault.key.new`
 * and `vault.key.old` when present, so a value wrapped under any of them still opens.
 */
export async function loadKeyring(options: KeyringOptions): Promise<Keyring> {
  if (options.masterKey !== null) {
    const key = masterKeyFromBytes(parseMasterKey(options.masterKey, MASTER_KEY_ENV));
    return new Keyring('environment', [{ key, role: 'current', origin: MASTER_KEY_ENV }]);
  }
  await ensureDataDir(options.dataDir);
  const paths = keyFilePaths(options.dataDir);
  const next = await readEntry(paths.next, 'rekey-target');
  const previous = await readEntry(paths.previous, 'previous');
  const current =
    (await readEntry(paths.current, 'current')) ??
    (await createCurrent(options.dataDir, paths, next ?? previous, options.createIfMissing ?? true));
  return new Keyring('file', [current, next, previous].filter((entry): entry is KeyringEntry => entry !== null));
}

async function readEntry(path: string, role: KeyRole): Promise<KeyringEntry | null> {
  const bytes = await readKeyFile(path);
  return bytes === null ? null : { key: masterKeyFromBytes(bytes), role, origin: path };
}

/**
 * First start: create `vault.key`. When another process created it a moment earlier, use
 * that one. A missing `vault.key` beside a `.new` or `.old` file is never a first start
 * (rekey always keeps `vault.key` in place), so that is refused rather than papered over.
 */
async function createCurrent(
  dataDir: string,
  paths: KeyFilePaths,
  sibling: KeyringEntry | null,
  create: boolean,
): Promise<KeyringEntry> {
  if (sibling !== null) {
    throw keyError(paths.current, `${paths.current} is missing but ${sibling.origin} exists; restore ${paths.current} from your backup (Ostiary never removes it)`);
  }
  if (!create) throw keyError(paths.current, `there is no vault key at ${paths.current} yet; it is created when Ostiary first starts`);
  const bytes = newMasterKeyBytes();
  await publishKeyFile(paths.current, bytes, dataDir);
  bytes.fill(0);
  const created = await readEntry(paths.current, 'current');
  if (created === null) throw keyError(paths.current, `${paths.current} vanished right after it was created`);
  return created;
}
