import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPostgresUrl, openStore } from '../../src/store/open-store.js';
import { openPostgresDialect } from '../../src/store/postgres/postgres-dialect.js';
import { openSqliteDialect } from '../../src/store/sqlite/sqlite-dialect.js';
import type { StoreDialect } from '../../src/store/store-dialect.js';
import type { Store } from '../../src/store/store.js';
import { createTestDatabase, dropTestDatabase, postgresSkip } from './postgres.js';

export { postgresSkip } from './postgres.js';

/** Every dialect the store suite runs on. */
export const dialects = ['sqlite', 'postgres'] as const;
export type Dialect = (typeof dialects)[number];

export interface FreshStore {
  readonly store: Store;
  /** Opens another store on the same database (another "process"). */
  readonly url: string;
  /** Closes the store and removes its database (temp dir or PostgreSQL database). */
  cleanup(): Promise<void>;
}

export interface FreshStoreOptions {
  /** @defaultValue true */
  readonly migrate?: boolean;
  readonly clock?: () => number;
}

/** `{ skip }` for a dialect's describe block: SQLite always runs, PostgreSQL when it is there. */
export async function dialectSkip(dialect: Dialect): Promise<string | false> {
  return dialect === 'postgres' ? postgresSkip() : false;
}

/** A store on an empty database of its own: a temp-dir SQLite file, or a new PostgreSQL database. */
export async function freshStore(dialect: Dialect, options: FreshStoreOptions = {}): Promise<FreshStore> {
  const { url, remove } = await freshDatabase(dialect);
  let store: Store;
  try {
    store = await openStore({ url, migrate: options.migrate ?? true, ...(options.clock ? { clock: options.clock } : {}) });
  } catch (error) {
    await remove();
    throw error;
  }
  return { store, url, cleanup: async () => {
    await store.close();
    await remove();
  } };
}

/** An empty database and how to remove it, without a store on it. */
export async function freshDatabase(dialect: Dialect): Promise<{ url: string; remove(): Promise<void> }> {
  if (dialect === 'postgres') {
    const { name, url } = await createTestDatabase();
    return { url, remove: () => dropTestDatabase(name) };
  }
  const dir = await mkdtemp(join(tmpdir(), 'ostiary-store-'));
  return { url: join(dir, 'data', 'ostiary.db'), remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * The database under a store, bypassing the store's checks: for tests that prove a
 * constraint holds in the schema itself, or that inspect rows. Closed after `fn`.
 */
export async function withRawDatabase<T>(url: string, fn: (dialect: StoreDialect) => Promise<T>): Promise<T> {
  const dialect = isPostgresUrl(url) ? openPostgresDialect(url) : openSqliteDialect(url);
  try {
    return await fn(dialect);
  } finally {
    await dialect.close();
  }
}
