import { validationError } from '../domain/index.js';
import { openPostgresDialect } from './postgres/postgres-dialect.js';
import { createSqlStore } from './sql-store.js';
import { openSqliteDialect } from './sqlite/sqlite-dialect.js';
import type { StoreDialect } from './store-dialect.js';
import type { Store } from './store.js';

export interface OpenStoreOptions {
  /** `postgres://…` or `postgresql://…` for PostgreSQL; anything else is a SQLite file path (or `:memory:`). */
  readonly url: string;
  /** Apply pending migrations before returning. @defaultValue true */
  readonly migrate?: boolean;
  /** Source of "now" in epoch milliseconds; tests may pin it. @defaultValue `Date.now` */
  readonly clock?: () => number;
}

const POSTGRES_URL = /^postgres(ql)?:\/\//i;

/** Opens the store the URL names and, unless told not to, migrates it. */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  if (typeof options.url !== 'string' || options.url.trim() === '') {
    throw validationError('store.url', 'expected postgres://… or a SQLite file path');
  }
  const store = createSqlStore(openDialect(options.url), options.clock ?? Date.now);
  if (options.migrate === false) return store;
  try {
    await store.migrate();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

/** True when the URL names a PostgreSQL database. */
export function isPostgresUrl(url: string): boolean {
  return POSTGRES_URL.test(url);
}

function openDialect(url: string): StoreDialect {
  return isPostgresUrl(url) ? openPostgresDialect(url) : openSqliteDialect(url);
}
