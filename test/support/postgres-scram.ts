import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { requirePart } from './integration.js';
import { freePort } from './free-port.js';

/**
 * A throwaway PostgreSQL of the test's own that checks passwords: `scram-sha-256` over TCP,
 * trust over its private Unix socket (for the admin). The machine's PostgreSQL trusts every
 * connection, so it cannot prove that an old password stops working (RECIPES.md).
 */
const run = promisify(execFile);
const BIN = process.env.OSTIARY_TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const HOW_TO_INSTALL = 'install PostgreSQL 15 server binaries (`apt-get install -y postgresql-15`) and run the tests as root, or set OSTIARY_TEST_PG_BIN';

export interface ScramPostgres {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** PEM of the server's self-signed certificate, when started with `tls`. */
  readonly certificate: string | null;
  /** Runs statements as the superuser over the trusted socket. */
  admin<T extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, values?: unknown[]): Promise<pg.QueryResult<T>>;
  /** Creates a login role with a password; returns nothing the test must clean (the instance goes away). */
  createRole(name: string, password: string): Promise<void>;
  /** Tries a real password login over TCP; true when the server accepted it. */
  canLogin(username: string, password: string): Promise<boolean>;
  stop(): Promise<void>;
}

/** `{ skip }` value for tests that need the binaries (and root, to run them as postgres). */
export function scramPostgresSkip(): Promise<string | false> {
  return requirePart('PostgreSQL server binaries', () => existsSync(join(BIN, 'initdb')) && userInfo().uid === 0, HOW_TO_INSTALL);
}

/** Starts an instance on a free loopback port; `tls` also turns on TLS with a self-signed certificate. */
export async function startScramPostgres(options: { tls?: boolean } = {}): Promise<ScramPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'ostiary-pg-'));
  const stopSync = (): void => stopInstance(dir);
  process.once('exit', stopSync);
  try {
    chownSync(dir, postgresUid(), postgresGid());
    await asPostgres(join(BIN, 'initdb'), ['-D', join(dir, 'data'), '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
    const certificate = options.tls ? await makeCertificate(dir) : null;
    const port = await freePort();
    const settings = [`-p ${port}`, `-k ${dir}`, '-c listen_addresses=127.0.0.1', '-c fsync=off', ...(certificate ? tlsSettings(dir) : [])];
    await asPostgres(join(BIN, 'pg_ctl'), ['-D', join(dir, 'data'), '-l', join(dir, 'log'), '-o', settings.join(' '), '-w', 'start']);
    return instance(dir, port, certificate, stopSync);
  } catch (error) {
    stopSync();
    process.removeListener('exit', stopSync);
    throw error;
  }
}

function instance(dir: string, port: number, certificate: string | null, stopSync: () => void): ScramPostgres {
  const admin = async <T extends pg.QueryResultRow>(sql: string, values?: unknown[]): Promise<pg.QueryResult<T>> => {
    const client = new pg.Client({ host: dir, port, user: 'postgres', database: 'postgres' });
    await client.connect();
    try {
      return await client.query<T>(sql, values);
    } finally {
      await client.end();
    }
  };
  return {
    host: '127.0.0.1',
    port,
    certificate,
    admin,
    createRole: async (name, password) => {
      await admin(`CREATE ROLE ${pg.escapeIdentifier(name)} LOGIN PASSWORD ${pg.escapeLiteral(password)}`);
    },
    canLogin: (username, password) => canLogin(port, username, password),
    stop: async () => {
      stopSync();
      process.removeListener('exit', stopSync);
    },
  };
}

async function canLogin(port: number, username: string, password: string): Promise<boolean> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: username, password: () => password, database: 'postgres', connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === '28P01') return false;
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Synchronous so it also runs from an `exit` handler; safe to call twice. */
function stopInstance(dir: string): void {
  if (existsSync(join(dir, 'data', 'postmaster.pid'))) {
    try {
      execFileSync('runuser', ['-u', 'postgres', '--', join(BIN, 'pg_ctl'), '-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop'], { stdio: 'ignore' });
    } catch {
      // Already gone; the directory is removed either way.
    }
  }
  rmSync(dir, { recursive: true, force: true });
}

async function asPostgres(command: string, args: string[]): Promise<void> {
  await run('runuser', ['-u', 'postgres', '--', command, ...args], { timeout: 60_000 });
}

async function makeCertificate(dir: string): Promise<string> {
  const key = join(dir, 'server.key');
  const cert = join(dir, 'server.crt');
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1']);
  chmodSync(key, 0o600);
  for (const file of [key, cert]) chownSync(file, postgresUid(), postgresGid());
  return readFileSync(cert, 'utf8');
}

function tlsSettings(dir: string): string[] {
  return ['-c ssl=on', `-c ssl_cert_file=${join(dir, 'server.crt')}`, `-c ssl_key_file=${join(dir, 'server.key')}`];
}


function postgresUid(): number {
  return Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
}

function postgresGid(): number {
  return Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
}
