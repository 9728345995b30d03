import { constants, type Stats } from 'node:fs';
import { link, mkdir, open, readdir, unlink, type FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { encodeMasterKey, keyError, parseMasterKey } from './master-key.js';

/** The key files in the data directory (docs/vault.md, "Key files"). */
export interface KeyFilePaths {
  /** `vault.key`: the current master key. */
  readonly current: string;
  /** `vault.key.new`: a rekey's target, present only while a rekey has not finished. */
  readonly next: string;
  /** `vault.key.old`: the key before the last rekey. */
  readonly previous: string;
}

export function keyFilePaths(dataDir: string): KeyFilePaths {
  return Object.freeze({
    current: join(dataDir, 'vault.key'),
    next: join(dataDir, 'vault.key.new'),
    previous: join(dataDir, 'vault.key.old'),
  });
}

/** A key file is a line of base64; anything much longer is not a key file. */
const MAX_KEY_FILE_SIZE = 256;
const TEMP_PREFIX = '.vault.key.';
const TEMP_SUFFIX = '.tmp';

function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8).padStart(3, '0')}`;
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}

/**
 * Reads a key file, or returns `null` when it does not exist. Refuses a symbolic link, a
 * file any group or other permission bit is set on, and a file that does not hold exactly
 * one 32-byte key. The checks use the opened descriptor, so the file cannot be swapped
 * between the check and the read.
 */
export async function readKeyFile(path: string): Promise<Buffer | null> {
  const handle = await openNoFollow(path);
  if (handle === null) return null;
  try {
    checkKeyFileStats(path, await handle.stat());
    return parseMasterKey(await handle.readFile('utf8'), path);
  } finally {
    await handle.close();
  }
}

async function openNoFollow(path: string): Promise<FileHandle | null> {
  try {
    return await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return null;
    if (isErrno(error, 'ELOOP')) throw keyError(path, `refusing to use key file ${path}: it is a symbolic link; put the key file itself there`, error);
    throw keyError(path, `cannot read key file ${path}: ${(error as Error).message}`, error);
  }
}

function checkKeyFileStats(path: string, stats: Stats): void {
  if (!stats.isFile()) throw keyError(path, `refusing to use key file ${path}: it is not a regular file`);
  if ((stats.mode & 0o077) !== 0) {
    throw keyError(path, `refusing to use key file ${path}: its mode is ${octal(stats.mode)}, which lets group or others access it; fix it with \`chmod 600 ${path}\``);
  }
  if (stats.size > MAX_KEY_FILE_SIZE) throw keyError(path, `${path} must hold one 32-byte key as base64 or hex; it is ${stats.size} bytes long`);
}

/** Creates the data directory (0700) when it is missing; an existing one is left as it is. */
export async function ensureDataDir(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
}

/**
 * Writes a key to `path` only if nothing is there yet, durably and atomically: the key goes
 * to a fresh temporary file (created exclusively, 0600, fsynced), which is then hard-linked
 * to `path`. `link` fails when `path` exists, so two processes starting at once can never
 * overwrite each other's key, and a crash never leaves a half-written key file under `path`.
 * Returns `false` when `path` existed already.
 */
export async function publishKeyFile(path: string, bytes: Buffer, dir: string): Promise<boolean> {
  const temp = join(dir, `${TEMP_PREFIX}${randomBytes(8).toString('hex')}${TEMP_SUFFIX}`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.chmod(0o600);
    await handle.writeFile(`${encodeMasterKey(bytes)}\n`, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    if (isErrno(error, 'EEXIST')) return false;
    throw error;
  } finally {
    await unlink(temp);
    await syncDir(dir);
  }
}

/** Makes renames, links and unlinks in `dir` durable. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Removes a file; a missing one is fine. */
export async function removeIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if (!isErrno(error, 'ENOENT')) throw error;
  }
}

/** Hard-links `from` to `to` (replacing `to`), so both names hold the same key for a moment. */
export async function linkReplacing(from: string, to: string): Promise<void> {
  await removeIfPresent(to);
  await link(from, to);
}

/** Deletes temporary key files a crash left behind; they were never published, so nothing needs them. */
export async function removeStaleTempFiles(dataDir: string): Promise<number> {
  const stale = (await readdir(dataDir)).filter((name) => name.startsWith(TEMP_PREFIX) && name.endsWith(TEMP_SUFFIX));
  await Promise.all(stale.map((name) => removeIfPresent(join(dataDir, name))));
  return stale.length;
}
