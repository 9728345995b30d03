import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type { Database } from '../database.js';
import type { StoreDialect } from '../store-dialect.js';
import { lockDevice, tryLockDevice } from './advisory-locks.js';
import { OutboxSequencer } from './outbox-sequencer.js';
import { ostiaryPgTypes } from './pg-types.js';
import { classifyPostgresError } from './postgres-errors.js';
import { postgresSchemaTypes } from './postgres-schema-types.js';
import { PostgresSignals, WORK_CHANNEL } from './postgres-signals.js';

/** Connections per store (per process). @defaultValue 10 */
export const POSTGRES_POOL_SIZE = 10;

/** Opens a pool on the database the URL names; nothing connects until the first query. */
export function openPostgresDialect(url: string): StoreDialect {
  const pool = new pg.Pool({ connectionString: url, types: ostiaryPgTypes, max: POSTGRES_POOL_SIZE });
  // An idle connection that dies (server restart) emits here; the next query reports the failure.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const signals = new PostgresSignals(url, pool);
  const outboxNumbering = new OutboxSequencer(db);
  return Object.freeze({
    capabilities: Object.freeze({ dialect: 'postgres', multiProcess: true, crossProcessSignals: true }),
    db,
    schemaTypes: postgresSchemaTypes,
    signals,
    lockSkippingLocked: (query) => query.forUpdate().skipLocked(),
    lockDevice,
    tryLockDevice,
    beforeClaim: readClaimIndexInOrder,
    outboxNumbering,
    // Delivered by PostgreSQL when (and only if) the transaction commits.
    notifyOnCommit: async (trx) => void (await sql`select pg_notify(${WORK_CHANNEL}, '')`.execute(trx)),
    notifyAfterCommit: () => undefined,
    classifyError: classifyPostgresError,
    close: async () => {
      await signals.close();
      await outboxNumbering.close();
      await db.destroy();
    },
  } satisfies StoreDialect);
}

/**
 * The claim must read the head of the claim index in order and stop at the first row it may
 * lock. The planner only does that when it believes many operations are scheduled; right after
 * a burst (10,000 submitted to a table that was empty when autovacuum last analyzed it) it
 * believes a handful, picks a bitmap scan and sorts every scheduled row on every claim: 20 ms
 * instead of 0.2 ms at 6,000 queued, measured with EXPLAIN on the benchmark's database, and a
 * queue that drains quadratically. Turning bitmap scans and sorts off for the claim
 * transaction only (SET LOCAL ends with it) makes the plan independent of statistics; every
 * other statement of the claim is a lookup by key, which these settings do not change.
 */
async function readClaimIndexInOrder(trx: Kysely<Database>): Promise<void> {
  // Simple query protocol (no parameters): both settings in one round trip.
  await sql.raw('set local enable_bitmapscan = off; set local enable_sort = off').execute(trx);
}
