import type { Selectable } from 'kysely';
import type { LoginFailureRecord, LoginFailureRepository } from './access-store.js';
import type { LoginFailuresTable } from './access-tables.js';
import type { StoreContext, WriteTx } from './store-context.js';

export function createLoginFailureRepository(ctx: StoreContext): LoginFailureRepository {
  return Object.freeze({
    get: (keys: readonly string[]) =>
      ctx.query(async (db) => {
        if (keys.length === 0) return Object.freeze([]);
        const rows = await db.selectFrom('login_failures').selectAll().where('key', 'in', [...keys]).execute();
        return Object.freeze(rows.map(toRecord));
      }),
    recordFailure: (key: string, next: (current: LoginFailureRecord | null) => LoginFailureRecord) =>
      ctx.write((tx) => recordFailure(tx, key, next)),
    clear: async (key: string) => {
      await ctx.write((tx) => tx.db.deleteFrom('login_failures').where('key', '=', key).execute());
    },
  });
}

/**
 * Read-modify-write under a lock on the key's row. The first statement is an upsert that
 * takes the row lock on PostgreSQL (creating an empty row when there is none); SQLite's
 * write transaction is exclusive from BEGIN anyway. Concurrent failures are all counted.
 */
async function recordFailure(tx: WriteTx, key: string, next: (current: LoginFailureRecord | null) => LoginFailureRecord): Promise<LoginFailureRecord> {
  // An empty row has failures 0 and no time, which `next` treats like no row at all.
  await tx.db
    .insertInto('login_failures')
    .values({ key, failures: 0, first_failure_at: 0, last_failure_at: 0, locked_until: null })
    .onConflict((conflict) => conflict.column('key').doUpdateSet({ key: (eb) => eb.ref('excluded.key') }))
    .execute();
  const row = await tx.db.selectFrom('login_failures').selectAll().where('key', '=', key).executeTakeFirstOrThrow();
  const updated = next(row.failures === 0 ? null : toRecord(row));
  await tx.db
    .updateTable('login_failures')
    .set({ failures: updated.failures, first_failure_at: updated.firstFailureAt, last_failure_at: updated.lastFailureAt, locked_until: updated.lockedUntil })
    .where('key', '=', key)
    .execute();
  return updated;
}

function toRecord(row: Selectable<LoginFailuresTable>): LoginFailureRecord {
  return Object.freeze({
    key: row.key,
    failures: row.failures,
    firstFailureAt: row.first_failure_at,
    lastFailureAt: row.last_failure_at,
    lockedUntil: row.locked_until,
  });
}
