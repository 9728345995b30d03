import type { Kysely } from 'kysely';
import type { Database } from './database.js';
import { insertOutboxEvents, type PendingEvent } from './outbox-rows.js';
import type { StoreDialect } from './store-dialect.js';
import { translateError } from './store-errors.js';

/** A write transaction as the repositories see it. */
export interface WriteTx {
  /** The transaction's connection; use only this inside the transaction. */
  readonly db: Kysely<Database>;
  /** The clock read once when the transaction started, so every row it writes agrees. */
  readonly now: number;
  /** Queues an outbox event; the queue is written just before commit. */
  appendEvent(type: string, subjectId: string, payload: Record<string, unknown>): void;
  /** Wakes workers once the transaction commits. */
  wakeWorkers(): void;
}

/** What every repository shares: the dialect, the clock and the way into the database. */
export interface StoreContext {
  readonly dialect: StoreDialect;
  readonly clock: () => number;
  /** Statements outside a transaction: reads, and single statements that are atomic on their own. */
  query<T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<T>;
  /** One write transaction; all or nothing. */
  write<T>(fn: (tx: WriteTx) => Promise<T>): Promise<T>;
}

export function createStoreContext(dialect: StoreDialect, clock: () => number): StoreContext {
  const guard = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      throw translateError(error, (e) => dialect.classifyError(e));
    }
  };
  return Object.freeze({
    dialect,
    clock,
    query: <T>(fn: (db: Kysely<Database>) => Promise<T>) => guard(() => fn(dialect.db)),
    write: <T>(fn: (tx: WriteTx) => Promise<T>) => guard(() => runWrite(dialect, clock, fn)),
  });
}

async function runWrite<T>(dialect: StoreDialect, clock: () => number, fn: (tx: WriteTx) => Promise<T>): Promise<T> {
  let wake = false;
  let wroteEvents = false;
  const result = await dialect.db.transaction().execute(async (trx) => {
    const events: PendingEvent[] = [];
    wake = false;
    const tx: WriteTx = {
      db: trx,
      now: clock(),
      appendEvent: (type, subjectId, payload) => void events.push({ type, subjectId, payload }),
      wakeWorkers: () => void (wake = true),
    };
    const value = await fn(tx);
    // Outbox rows go last, after every lock the transaction takes (see `numberOutboxRows`).
    await insertOutboxEvents(trx, dialect, events, tx.now);
    wroteEvents = events.length > 0;
    if (wake) await dialect.notifyOnCommit(trx);
    return value;
  });
  if (wake) dialect.notifyAfterCommit();
  // Not awaited: numbering is the dialect's business after commit, never the writer's wait.
  if (wroteEvents) dialect.outboxNumbering.committed();
  return result;
}
