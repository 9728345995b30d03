import { hostname } from 'node:os';
import type { Command } from 'commander';
import { OstiaryError } from '../../domain/index.js';
import { ApiClient } from '../client/api-client.js';
import { connectClient } from '../client/client-session.js';
import { loginFilePath, readLogin, removeLogin, writeLogin } from '../client/login-file.js';
import { readSecret } from '../client/secret-input.js';
import { integerOption } from '../option-parsers.js';

interface LoginFlags {
  readonly url?: string;
  readonly username?: string;
  readonly tokenStdin?: boolean;
  readonly expiresInDays: number;
}

interface SessionAnswer {
  readonly csrfToken: string;
}

interface IssuedToken {
  readonly id: string;
  readonly token: string;
}

interface Me {
  readonly user: { readonly username: string };
  readonly tokenId: string | null;
}

/**
 * `ostiary login`: trades a username and password (prompted, or piped on stdin) for an API
 * token of this machine, or stores a token given on stdin; `ostiary logout` revokes it.
 * The token lands in a 0600 file under the user's config directory, never in an argument.
 */
export function registerLogin(program: Command): void {
  program
    .command('login')
    .description('log in to an Ostiary API and keep a token in ~/.config/ostiary/login.json (0600)')
    .option('--url <url>', 'API base URL, e.g. http://127.0.0.1:8080 (default: OSTIARY_URL)')
    .option('--username <name>', 'log in as this user (password prompted, or read from stdin)')
    .option('--token-stdin', 'store an existing API token read from stdin instead')
    .option('--expires-in-days <days>', 'lifetime of the token created for this machine', integerOption('--expires-in-days', 1), 30)
    .action(async (flags: LoginFlags) => {
      const url = flags.url ?? process.env.OSTIARY_URL;
      if (url === undefined || url === '') throw new OstiaryError('OST_VALIDATION', '--url: expected the API base URL (or set OSTIARY_URL)', { details: { field: 'url' } });
      const stored = flags.tokenStdin === true ? await adoptToken(url) : await passwordLogin(url, flags);
      await writeLogin(stored);
      console.log(`logged in to ${url} as ${stored.username}; token kept in ${loginFilePath()}`);
    });

  program
    .command('logout')
    .description('revoke the stored API token and forget it')
    .action(async () => {
      const login = await readLogin();
      if (login === null) return void console.log('not logged in');
      const client = await connectClient({ ...process.env, OSTIARY_URL: login.url });
      await client.send('DELETE', `/tokens/${login.tokenId}`).catch((error: unknown) => console.error(`could not revoke the token: ${(error as Error).message}`));
      await removeLogin();
      console.log('logged out');
    });
}

async function adoptToken(url: string): Promise<{ url: string; token: string; tokenId: string; username: string }> {
  const token = (await readSecret('API token: ', 'token')).trim();
  const me = await new ApiClient(url, token).get<Me>('/auth/me');
  if (me.tokenId === null) throw new OstiaryError('OST_AUTH_INVALID', 'token: expected an API token');
  return { url, token, tokenId: me.tokenId, username: me.user.username };
}

async function passwordLogin(url: string, flags: LoginFlags): Promise<{ url: string; token: string; tokenId: string; username: string }> {
  if (flags.username === undefined) throw new OstiaryError('OST_VALIDATION', '--username: expected the user to log in as', { details: { field: 'username' } });
  const anonymous = new ApiClient(url, null);
  const password = await readSecret(`Password for ${flags.username}: `, 'password');
  const session = await anonymous.call<SessionAnswer>('POST', '/auth/login', { body: { username: flags.username, password } });
  const headers = { cookie: sessionCookieOf(session.headers), 'x-csrf-token': session.body.csrfToken };
  const name = `cli@${hostname()}`.slice(0, 100);
  const issued = await anonymous.call<IssuedToken>('POST', '/tokens', { body: { name, expiresInDays: flags.expiresInDays }, headers });
  await anonymous.call('POST', '/auth/logout', { headers });
  return { url, token: issued.body.token, tokenId: issued.body.id, username: flags.username };
}

/** `name=value` of the session cookie the login answer set. */
function sessionCookieOf(headers: Headers): string {
  const cookie = headers.getSetCookie().map((line) => line.split(';')[0] ?? '').find((pair) => pair.startsWith('ostiary_session='));
  if (cookie === undefined) throw new OstiaryError('OST_AUTH_INVALID', 'the API did not open a session');
  return cookie;
}
