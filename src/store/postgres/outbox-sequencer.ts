import type { Kysely } from 'kysely';
import type { Database } from '../database.js';
import { hasUnnumberedOutboxRows, numberOutboxRows } from '../outbox-positions.js';
import type { OutboxNumbering } from '../store-dialect.js';
import { lockOutboxSequencer } from './advisory-locks.js';

/** Wait before a failed pass is tried again, so committed rows do not wait for the next write. @defaultValue 1000 */
export const SEQUENCER_RETRY_MS = 1000;

/**
 * How long numbering after a commit waits to gather more commits into the same pass. (20 ms
 * was tried: no more operations/s in a 3-round run, and numbering passes then overlapped the
 * next idle claims, raising the 4-worker idle p99 from 43 to 49 ms; BENCHMARKS.md.)
 */
export const COMMITTED_GATHER_MS = 5;

/**
 * PostgreSQL's outbox numbering. Event rows are inserted with no lock and no `seq`, so
 * event-writing transactions commit in parallel. After each such commit (in the background:
 * the writer does not wait) and before each read (`outbox.read`, `outbox.head`, the audit
 * projection, sink states) a *pass* numbers every committed row still without a position, in
 * a short transaction of its own under a cluster-wide advisory lock held until it commits:
 * passes never overlap and each sees the positions the previous one committed, so positions
 * are dense, increasing, and never handed out at or below one a reader may have seen. A pass
 * that finds nothing to number takes no lock and writes nothing.
 *
 * What delays delivery: an event waits only for its own transaction to commit. A long
 * transaction elsewhere — even one that has written an event and is still open — holds back
 * nothing but its own events, which then take positions after everything committed before
 * them. (Numbering by transaction id up to `pg_snapshot_xmin`, which is cluster-wide, would
 * hold every later event back behind any open write transaction in any database of the
 * cluster, and could number an effect before its cause, since a transaction takes its id at
 * its first write, possibly before it waited for the cause to commit.) A pass whose session
 * stalls while holding the lock holds numbering back until its transaction ends; writers are
 * never held.
 *
 * In one process, callers that arrive while a pass runs share the next pass, so a burst of
 * commits costs one or two passes; passes from several processes queue on the lock.
 */
export class OutboxSequencer implements OutboxNumbering {
  readonly #db: Kysely<Database>;
  #running: Promise<void> | null = null;
  #queued: Promise<void> | null = null;
  #retryTimer: NodeJS.Timeout | null = null;
  #gatherTimer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** Numbering happens after commit, never in the writing transaction. */
  async firstPositionInTransaction(): Promise<null> {
    return null;
  }

  /**
   * After a commit, numbering waits {@link COMMITTED_GATHER_MS} so that the commits of a busy
   * moment share one pass (each pass is a transaction with a commit of its own). Readers never
   * wait for this: `numberCommitted` runs a pass at once.
   */
  committed(): void {
    if (this.#gatherTimer || this.#closed) return;
    this.#gatherTimer = setTimeout(() => {
      this.#gatherTimer = null;
      // A failed pass has scheduled its own retry.
      this.numberCommitted().catch(() => undefined);
    }, COMMITTED_GATHER_MS);
  }

  numberCommitted(): Promise<void> {
    // A running pass may have taken its snapshot before the caller's commit: wait for the next one.
    if (this.#running === null) return this.#start();
    this.#queued ??= this.#running.then(() => {
      this.#queued = null;
      return this.#start();
    });
    return this.#queued;
  }

  /** Stops retrying and waits for the pass in flight, so the pool can close. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    if (this.#gatherTimer) clearTimeout(this.#gatherTimer);
    this.#gatherTimer = null;
    await this.#queued?.catch(() => undefined);
    await this.#running?.catch(() => undefined);
  }

  #start(): Promise<void> {
    const pass = this.#pass();
    // `#running` settles fulfilled either way, so a queued pass starts after a failed one too.
    this.#running = pass.catch(() => undefined).finally(() => (this.#running = null));
    return pass;
  }

  async #pass(): Promise<void> {
    try {
      if (!(await hasUnnumberedOutboxRows(this.#db))) return;
      // Read committed, whatever the database default: the numbering statement must see the
      // positions the previous pass committed while this one waited for the lock.
      await this.#db.transaction().setIsolationLevel('read committed').execute(async (trx) => {
        await lockOutboxSequencer(trx);
        await numberOutboxRows(trx);
      });
    } catch (error) {
      this.#retryLater();
      throw error;
    }
  }

  #retryLater(): void {
    if (this.#closed || this.#retryTimer) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      // A failure schedules the next try itself.
      this.numberCommitted().catch(() => undefined);
    }, SEQUENCER_RETRY_MS);
    // A pending retry must not keep the process alive: another pass (any write, any read) does the same work.
    this.#retryTimer.unref();
  }
}
