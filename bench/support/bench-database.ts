import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { onCleanup } from './cleanup.js';

/** The machine's PostgreSQL (trust auth, loopback); benchmarks create and drop their own databases on it. */
export const POSTGRES_ADMIN_URL = process.env.OSTIARY_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const BENCH_DATABASE = /^ostiary_bench_[0-9a-f]+$/;

export interface BenchDatabase {
  readonly name: string;
  readonly url: string;
  /** Drops the database, disconnecting whatever is still connected. */
  drop(): Promise<void>;
}

/** A fresh, empty database `ostiary_bench_<random>`, dropped at cleanup at the latest. */
export async function createBenchDatabase(): Promise<BenchDatabase> {
  assertLoopback(POSTGRES_ADMIN_URL);
  const name = `ostiary_bench_${randomBytes(6).toString('hex')}`;
  await admin(`create database ${name}`);
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  const drop = onCleanup(() => dropBenchDatabase(name));
  return Object.freeze({ name, url: url.toString(), drop });
}

async function dropBenchDatabase(name: string): Promise<void> {
  if (!BENCH_DATABASE.test(name)) throw new Error(`refusing to drop ${name}: not a benchmark database`);
  await admin(`drop database if exists ${name} with (force)`);
}

/** Runs `fn` with a client on `url`, closed afterwards. */
export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function admin(statement: string): Promise<void> {
  await withClient(POSTGRES_ADMIN_URL, (client) => client.query(statement));
}

/** Benchmarks target only this machine. */
function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (host !== 'localhost' && !/^127\.\d+\.\d+\.\d+$/.test(host)) throw new Error(`refusing ${host}: benchmarks run against loopback only`);
}
