import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ensureDataDir, publishKeyFile, readKeyFile } from '../vault/key-file.js';
import { CHECKPOINT_FILE_NAME, checkpointFile } from './checkpoint-file.js';
import type { CheckpointStorage } from './audit-checkpoint.js';

/** The checkpoint's HMAC key file, beside `vault.key`. */
export const CHECKPOINT_KEY_FILE_NAME = 'audit-checkpoint.key';

/**
 * The checkpoint has a key of its own rather than one derived from the vault's master key:
 * `vault rekey` replaces the master key, and the checkpoint must stay verifiable across a
 * rekey. It is created on first use (0600, published atomically, never overwritten) and read
 * with the vault's key-file checks (no symlink, no group or other access).
 */
export async function loadCheckpointKey(dataDir: string): Promise<Buffer> {
  const path = join(dataDir, CHECKPOINT_KEY_FILE_NAME);
  const existing = await readKeyFile(path);
  if (existing !== null) return existing;
  await ensureDataDir(dataDir);
  // Whoever publishes first wins; everyone then reads the same file.
  await publishKeyFile(path, randomBytes(32), dataDir);
  const created = await readKeyFile(path);
  if (created === null) throw new Error(`${path} vanished right after it was created`);
  return created;
}

/** The signed checkpoint file and its key, both in the data directory. */
export async function dataDirCheckpoint(dataDir: string): Promise<{ storage: CheckpointStorage; key: Buffer }> {
  return { storage: checkpointFile(join(dataDir, CHECKPOINT_FILE_NAME)), key: await loadCheckpointKey(dataDir) };
}
