import { OstiaryError } from '../../domain/index.js';
import { ApiClient } from './api-client.js';
import { readLogin } from './login-file.js';

/**
 * The API client of a client command: the URL from `OSTIARY_URL`, else the one `ostiary login`
 * stored; the token `ostiary login` stored for that URL.
 */
export async function connectClient(env: NodeJS.ProcessEnv = process.env): Promise<ApiClient> {
  const login = await readLogin();
  const url = env.OSTIARY_URL && env.OSTIARY_URL !== '' ? env.OSTIARY_URL : login?.url;
  if (url === undefined) {
    throw new OstiaryError('OST_CONFIG', 'OSTIARY_URL: no API to talk to; set OSTIARY_URL or run `ostiary login --url …`', { details: { field: 'OSTIARY_URL' } });
  }
  const token = login !== null && sameApi(login.url, url) ? login.token : null;
  return new ApiClient(url, token);
}

function sameApi(a: string, b: string): boolean {
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}

/**
 * Commands that exist both on the store and as API clients (`ops …`) use the API when
 * OSTIARY_URL is set and neither `--db` nor `--data-dir` is on the command line.
 */
export function opsThroughApi(argv: readonly string[] = process.argv, env: NodeJS.ProcessEnv = process.env): boolean {
  const local = argv.some((arg) => arg === '--db' || arg.startsWith('--db=') || arg === '--data-dir' || arg.startsWith('--data-dir='));
  return (env.OSTIARY_URL ?? '') !== '' && !local;
}
