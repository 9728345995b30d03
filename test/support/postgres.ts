import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { requirePart } from './integration.js';

/** The machine's PostgreSQL (trust auth); tests create and drop their own databases on it. */
export const POSTGRES_ADMIN_URL = process.env.OSTIARY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const HOW_TO_START =
  'start it with `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`, ' +
  'or point OSTIARY_TEST_POSTGRES_URL at a server that trusts the postgres user';

let probe: Promise<string | false> | null = null;

/** `false` when PostgreSQL answers, else the skip reason; use as `{ skip: await postgresSkip() }`. */
export function postgresSkip(): Promise<string | false> {
  probe ??= requirePart('PostgreSQL', canConnect, HOW_TO_START);
  return probe;
}

async function canConnect(): Promise<boolean> {
  // Generous: a machine without PostgreSQL refuses at once, while a busy one (CI running many
  // test files at a time) may take seconds to fork a backend; a short timeout skipped suites there.
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 20_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Runs one statement on the admin database. */
async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Creates an empty database `ostiary_t_<random>` and returns its URL. */
export async function createTestDatabase(): Promise<{ name: string; url: string }> {
  const name = `ostiary_t_${randomBytes(6).toString('hex')}`;
  await admin(`create database ${name}`);
  // Test data need not survive a power cut; commits skip the fsync wait (locks and visibility are unchanged).
  await admin(`alter database ${name} set synchronous_commit = off`);
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

/** Drops the database, disconnecting whatever is still connected to it. */
export async function dropTestDatabase(name: string): Promise<void> {
  if (!/^ostiary_t_[0-9a-f]+$/.test(name)) throw new Error(`refusing to drop ${name}: not a test database`);
  await admin(`drop database if exists ${name} with (force)`);
}
