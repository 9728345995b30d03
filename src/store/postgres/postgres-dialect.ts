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
