import { rename } from 'node:fs/promises';
import { isOstiaryError, OstiaryError } from '../domain/index.js';
import { keyFilePaths, linkReplacing, publishKeyFile, readKeyFile, removeStaleTempFiles, syncDir } from './key-file.js';
import { Keyring, type KeySource } from './keyring.js';
import { loadKeyring, type KeyringOptions } from './load-keyring.js';
import { keyError, masterKeyFromBytes, newMasterKeyBytes, parseMasterKey, type MasterKey } from './master-key.js';
import { Vault } from './vault.js';
import type { WrappedKeyRecord, WrappedKeyStore } from './wrapped-key-store.js';

/** Where the new key comes from when `OSTIARY_MASTER_KEY` holds the current one. */
export const NEW_MASTER_KEY_ENV = 'OSTIARY_NEW_MASTER_KEY';

/** The durable steps of a rekey, in order; `afterStep` is called after each one. */
export type RekeyStep = 'target-key-written' | 'rewrapped' | 'promoted';

export interface RekeyOptions extends KeyringOptions {
  readonly secrets: WrappedKeyStore;
  /** The new key as text (base64 or hex), from `OSTIARY_NEW_MASTER_KEY`. */
  readonly newMasterKey?: string | null;
  /** A key file (0600) holding the new key, from `--new-key-file`. */
  readonly newKeyFile?: string | null;
  /** Called after each durable step; tests use it to simulate a crash there. */
  readonly afterStep?: (step: RekeyStep) => Promise<void> | void;
}

export interface RekeyResult {
  readonly source: KeySource;
  /** The key that sealed new values before the rekey. */
  readonly previousKeyId: string;
  readonly newKeyId: string;
  /** The key ids the rewrapped values were under. */
  readonly fromKeyIds: readonly string[];
  readonly rewrapped: number;
  /** Values already wrapped under the new key (an interrupted rekey's work, or a rerun). */
  readonly alreadyUnderNewKey: number;
  /** True when this run finished a rekey that had been interrupted. */
  readonly resumed: boolean;
}

interface Target {
  readonly vault: Vault;
  readonly resumed: boolean;
}

/**
 * Rewraps every stored data key under a new master key; no value's ciphertext changes.
 * All or nothing: every row is rewrapped in memory first, then written in one store
 * transaction. With key files, the new key is made durable as `vault.key.new` before any
 * row changes, and only after the transaction commits does it replace `vault.key` (the old
 * key is kept as `vault.key.old`). A crash at any point loses nothing, and running rekey
 * again finishes the interrupted one (docs/vault.md, "Rekey").
 */
export async function rekey(options: RekeyOptions): Promise<RekeyResult> {
  const keyring = await loadKeyring(options);
  if (keyring.source === 'file') await removeStaleTempFiles(options.dataDir);
  const target = await prepareTarget(options, keyring);
  await options.afterStep?.('target-key-written');
  const moved = await rewrapAll(new Vault(keyring), target.vault, options.secrets);
  await options.afterStep?.('rewrapped');
  if (keyring.source === 'file') {
    await promoteTarget(options, keyring);
    await options.afterStep?.('promoted');
  }
  return Object.freeze({
    source: keyring.source,
    previousKeyId: keyring.current.id,
    newKeyId: target.vault.keyId,
    resumed: target.resumed,
    ...moved,
  });
}

async function prepareTarget(options: RekeyOptions, keyring: Keyring): Promise<Target> {
  const explicit = await explicitNewKey(options);
  if (keyring.source === 'environment') {
    if (explicit === null) {
      throw keyError(NEW_MASTER_KEY_ENV, `OSTIARY_MASTER_KEY is set, so the new key must come from ${NEW_MASTER_KEY_ENV} or --new-key-file`);
    }
    return { vault: vaultOf(refuseHeldKey(masterKeyFromBytes(explicit.bytes), keyring, explicit.origin), 'environment', explicit.origin), resumed: false };
  }
  const pending = keyring.entry('rekey-target');
  if (pending !== undefined) return resumeTarget(pending.key, pending.origin, explicit);
  return { vault: await writeTarget(options.dataDir, keyring, explicit), resumed: false };
}

/** A leftover `vault.key.new` may already wrap every row: it must be the target, never replaced. */
function resumeTarget(key: MasterKey, origin: string, explicit: ExplicitKey | null): Target {
  if (explicit !== null && masterKeyFromBytes(explicit.bytes).id !== key.id) {
    throw keyError(origin, `an interrupted rekey left ${origin} (key id ${key.id}); run \`ostiary vault rekey\` without a new key to finish it first`);
  }
  return { vault: vaultOf(key, 'file', origin), resumed: true };
}

async function writeTarget(dataDir: string, keyring: Keyring, explicit: ExplicitKey | null): Promise<Vault> {
  const path = keyFilePaths(dataDir).next;
  const bytes = explicit?.bytes ?? newMasterKeyBytes();
  const key = refuseHeldKey(masterKeyFromBytes(Buffer.from(bytes)), keyring, explicit?.origin ?? 'the new key');
  try {
    if (!(await publishKeyFile(path, bytes, dataDir))) {
      throw keyError(path, `${path} appeared while this rekey started: another rekey is running; wait for it, then check \`ostiary vault status\``);
    }
  } finally {
    bytes.fill(0);
  }
  return vaultOf(key, 'file', path);
}

function refuseHeldKey(key: MasterKey, keyring: Keyring, origin: string): MasterKey {
  if (keyring.find(key.id) !== undefined) {
    throw keyError(origin, `${origin} is a key this vault already holds (key id ${key.id}); a rekey needs a key never used before`);
  }
  return key;
}

function vaultOf(key: MasterKey, source: KeySource, origin: string): Vault {
  return new Vault(new Keyring(source, [{ key, role: 'current', origin }]));
}

interface ExplicitKey {
  readonly bytes: Buffer;
  readonly origin: string;
}

async function explicitNewKey(options: RekeyOptions): Promise<ExplicitKey | null> {
  const fromEnv = options.newMasterKey ?? null;
  const fromFile = options.newKeyFile ?? null;
  if (fromEnv !== null && fromFile !== null) {
    throw keyError(NEW_MASTER_KEY_ENV, `give the new key either in ${NEW_MASTER_KEY_ENV} or with --new-key-file, not both`);
  }
  if (fromEnv !== null) return { bytes: parseMasterKey(fromEnv, NEW_MASTER_KEY_ENV), origin: NEW_MASTER_KEY_ENV };
  if (fromFile === null) return null;
  const bytes = await readKeyFile(fromFile);
  if (bytes === null) throw keyError(fromFile, `--new-key-file ${fromFile} does not exist`);
  return { bytes, origin: fromFile };
}

interface Moved {
  readonly fromKeyIds: readonly string[];
  readonly rewrapped: number;
  readonly alreadyUnderNewKey: number;
}

/** Rewraps in memory first, so one row that cannot be opened aborts before anything is written. */
async function rewrapAll(from: Vault, to: Vault, secrets: WrappedKeyStore): Promise<Moved> {
  const rows = await secrets.listWrappedKeys();
  const stale = rows.filter((row) => row.masterKeyId !== to.keyId);
  const rewrapped = stale.map((row) => rewrapRow(from, to, row));
  if (rewrapped.length > 0) await secrets.rewrapKeys(rewrapped);
  return {
    fromKeyIds: [...new Set(stale.map((row) => row.masterKeyId))],
    rewrapped: rewrapped.length,
    alreadyUnderNewKey: rows.length - stale.length,
  };
}

function rewrapRow(from: Vault, to: Vault, row: WrappedKeyRecord): WrappedKeyRecord {
  try {
    return { secretId: row.secretId, version: row.version, ...from.rewrap(row, to) };
  } catch (error) {
    if (!isOstiaryError(error)) throw error;
    throw new OstiaryError(error.code, `secret ${row.secretId} version ${row.version}: ${error.message}; nothing was rewrapped`, {
      details: { ...error.details, secretId: row.secretId, version: row.version },
      cause: error,
    });
  }
}

/**
 * `vault.key` → `vault.key.old` (a hard link, so `vault.key` never goes missing), then
 * `vault.key.new` → `vault.key` by an atomic rename, then the directory is synced.
 */
async function promoteTarget(options: RekeyOptions, keyring: Keyring): Promise<void> {
  const paths = keyFilePaths(options.dataDir);
  await refuseIfPreviousStillUsed(keyring, options.secrets);
  await linkReplacing(paths.current, paths.previous);
  await rename(paths.next, paths.current);
  await syncDir(options.dataDir);
}

/** Replacing `vault.key.old` must not drop a key that a value was wrapped under meanwhile. */
async function refuseIfPreviousStillUsed(keyring: Keyring, secrets: WrappedKeyStore): Promise<void> {
  const previous = keyring.entry('previous');
  if (previous === undefined || previous.key.id === keyring.current.id) return;
  const left = (await secrets.listWrappedKeys()).filter((row) => row.masterKeyId === previous.key.id).length;
  if (left === 0) return;
  throw keyError(previous.origin, `${left} values were wrapped under key id ${previous.key.id} (${previous.origin}) during this rekey by a process still running with that key; restart every Ostiary process, then run \`ostiary vault rekey\` again (it resumes)`);
}
