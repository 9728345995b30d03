import type { Kysely, SelectQueryBuilder } from 'kysely';
import type { Database } from './database.js';
import type { SchemaTypes } from './schema-types.js';
import type { StoreCapabilities, WorkSignals } from './store.js';

/** What a driver error means to the store, independent of the driver. */
export type DriverErrorKind =
  | { readonly kind: 'unique'; readonly table: string; readonly columns: readonly string[] }
  | { readonly kind: 'foreign_key' }
  | { readonly kind: 'busy' }
  /** `summary` is safe to show: it never holds a bound value. */
  | { readonly kind: 'other'; readonly summary: string };

/**
 * Everything the shared store code needs to know about a dialect: hooks and data, so that
 * no shared code asks which database it runs on. One implementation per dialect lives in
 * `sqlite/` and `postgres/`.
 */
export interface StoreDialect {
  readonly capabilities: StoreCapabilities;
  /**
   * Its transactions serialize writers where the dialect needs it: SQLite begins them with
   * `BEGIN IMMEDIATE` (see `ImmediateSqliteDialect`).
   */
  readonly db: Kysely<Database>;
  readonly schemaTypes: SchemaTypes;
  readonly signals: WorkSignals;
  /** Locks the selected rows, skipping rows another transaction holds (no-op where writers are serialized anyway). */
  lockSkippingLocked<DB extends Database, TB extends keyof DB, O>(
    query: SelectQueryBuilder<DB, TB, O>,
  ): SelectQueryBuilder<DB, TB, O>;
  /** Serializes claimers of one device until the end of the transaction. */
  lockDevice(trx: Kysely<Database>, deviceId: string): Promise<void>;
  /**
   * Runs first in every claim transaction: makes the claim's plan independent of table
   * statistics (see the PostgreSQL dialect). No-op where plans cannot go stale that way.
   */
  beforeClaim(trx: Kysely<Database>): Promise<void>;
  /** Like `lockDevice`, without waiting: `false` when another transaction holds the device. */
  tryLockDevice(trx: Kysely<Database>, deviceId: string): Promise<boolean>;
  /** When and how outbox rows get their delivery position `seq`. */
  readonly outboxNumbering: OutboxNumbering;
  /** Wakes workers when the transaction commits (PostgreSQL `pg_notify`). */
  notifyOnCommit(trx: Kysely<Database>): Promise<void>;
  /** Wakes workers after a commit, for dialects whose notifications are not transactional. */
  notifyAfterCommit(): void;
  classifyError(error: unknown): DriverErrorKind;
  close(): Promise<void>;
}

/**
 * How a dialect gives outbox rows their delivery position (`seq`, see `numberOutboxRows`).
 * Where one writer runs at a time (SQLite), insert order is commit order and the writing
 * transaction inserts its rows with their positions. Where writers run in parallel (PostgreSQL), a position
 * taken before commit could become visible after a higher one a reader has already passed,
 * so rows are numbered only once committed, by a pass in a transaction of its own.
 */
export interface OutboxNumbering {
  /**
   * Called in the writing transaction just before its events are inserted: the position its
   * first event takes (the others follow in order), or `null` where rows are numbered only
   * once committed.
   */
  firstPositionInTransaction(trx: Kysely<Database>): Promise<number | null>;
  /**
   * Called after a transaction that wrote events has committed: number them soon, without
   * making the writer wait. Never throws; a failed pass is retried by the dialect.
   */
  committed(): void;
  /**
   * Numbers the rows of committed transactions; resolves once a pass that began after the
   * call has ended, so every row committed before the call then has its `seq`. Readers that
   * must see every event committed before they ask call this first (`outbox.read` does).
   */
  numberCommitted(): Promise<void>;
}
