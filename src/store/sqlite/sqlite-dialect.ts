import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, type SqliteDatabase } from 'kysely';
import { LRUCache } from 'lru-cache';
import type { Database } from '../database.js';
import type { OutboxNumbering, StoreDialect } from '../store-dialect.js';
import { ImmediateSqliteDialect } from './immediate-sqlite-dialect.js';
import { classifySqliteError } from './sqlite-errors.js';
import { sqliteSchemaTypes } from './sqlite-schema-types.js';
import { SqliteSignals } from './sqlite-signals.js';

/** How long a connection waits for another process's write lock before SQLITE_BUSY. */
export const SQLITE_BUSY_TIMEOUT_MS = 5000;

/** Opens the SQLite file (or `:memory:`), creating its directory when missing. */
export function openSqliteDialect(path: string): StoreDialect {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const handle = new BetterSqlite3(path);
  handle.pragma('journal_mode = WAL');
  handle.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  handle.pragma('foreign_keys = ON');
  // With WAL, NORMAL is durable against application crashes; only a power loss can lose the last commits.
  handle.pragma('synchronous = NORMAL');
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(handle) }) });
  const signals = new SqliteSignals();
  return Object.freeze({
    capabilities: Object.freeze({ dialect: 'sqlite', multiProcess: false, crossProcessSignals: false }),
    db,
    schemaTypes: sqliteSchemaTypes,
    signals,
    // Kysely runs everything on the one connection behind a mutex, so this process's
    // transactions are serialized, and BEGIN IMMEDIATE serializes them with other processes:
    // one write transaction at a time, nothing to skip or lock.
    lockSkippingLocked: (query) => query,
    lockDevice: async () => {},
    tryLockDevice: async () => true,
    beforeClaim: async () => {},
    outboxNumbering: sqliteOutboxNumbering,
    notifyOnCommit: async () => {},
    notifyAfterCommit: () => signals.emit(),
    classifyError: classifySqliteError,
    close: async () => {
      signals.close();
      await db.destroy();
    },
  } satisfies StoreDialect);
}

/**
 * One writer at a time (`BEGIN IMMEDIATE`, across processes too), so insert order is commit
 * order: the writing transaction inserts its rows with the positions after the highest one
 * (one look at the end of the `seq` index), with no numbering pass.
 */
const sqliteOutboxNumbering = Object.freeze<OutboxNumbering>({
  firstPositionInTransaction: async (trx) => {
    const row = await trx.selectFrom('outbox_events').select((eb) => eb.fn.max('seq').as('head')).executeTakeFirst();
    return Number(row?.head ?? 0) + 1;
  },
  committed: () => undefined,
  numberCommitted: async () => {},
});

/** Prepared statements kept per connection; the engine's hot path uses a few dozen. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely's SQLite driver prepares every statement it runs, and preparing costs more than
 * running for the engine's short statements (a fifth of a busy engine's CPU in a profile).
 * The same SQL text always gives an equivalent statement, so the connection keeps the most
 * recently used ones (least recently used dropped first). Safe here because Kysely runs one
 * statement at a time on this connection (its mutex), so a cached statement is never busy
 * when it is handed out again; SQLite re-prepares a statement by itself after a schema change.
 */
function withStatementCache(handle: BetterSqlite3.Database): SqliteDatabase {
  const cache = new LRUCache<string, BetterSqlite3.Statement>({ max: STATEMENT_CACHE_SIZE });
  return {
    close: () => void handle.close(),
    prepare: (text: string) => {
      const cached = cache.get(text);
      if (cached) return cached;
      const statement = handle.prepare(text);
      cache.set(text, statement);
      return statement;
    },
  };
}
