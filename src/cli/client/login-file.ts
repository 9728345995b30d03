import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { OstiaryError } from '../../domain/index.js';

/** What `ostiary login` keeps: where the API is and the token to use (0600, in the user's config dir). */
export interface StoredLogin {
  readonly url: string;
  readonly token: string;
  readonly tokenId: string;
  readonly username: string;
}

const storedLoginSchema = z.object({ url: z.string().url(), token: z.string().min(1), tokenId: z.string(), username: z.string() });

/** `$XDG_CONFIG_HOME/ostiary/login.json`, else `~/.config/ostiary/login.json`. */
export function loginFilePath(env: NodeJS.ProcessEnv = process.env): string {
  const configHome = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME !== '' ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(configHome, 'ostiary', 'login.json');
}

export async function readLogin(path = loginFilePath()): Promise<StoredLogin | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const parsed = storedLoginSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new OstiaryError('OST_CONFIG', `${path}: not a login file; run \`ostiary login\` again`, { details: { field: path } });
  return parsed.data;
}

/** Written 0600 in a 0700 directory: the token is a bearer secret. */
export async function writeLogin(login: StoredLogin, path = loginFilePath()): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFile(path, `${JSON.stringify(login, null, 2)}\n`, { mode: 0o600 });
  // `mode` applies only when the file is created; an existing file is tightened too.
  await chmod(path, 0o600);
}

export async function removeLogin(path = loginFilePath()): Promise<void> {
  await rm(path, { force: true });
}
