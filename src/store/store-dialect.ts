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
  /** Serializes outbox appends until commit, so `seq` order is commit order. */
  lockOutbox(trx: Kysely<Database>): Promise<void>;
  /** Wakes workers when the transaction commits (PostgreSQL `pg_notify`). */
  notifyOnCommit(trx: Kysely<Database>): Promise<void>;
  /** Wakes workers after a commit, for dialects whose notifications are not transactional. */
  notifyAfterCommit(): void;
  classifyError(error: unknown): DriverErrorKind;
  close(): Promise<void>;
}
