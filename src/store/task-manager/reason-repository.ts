import { newId } from '../../domain/index.js';
import type { StoreContext } from '../store-context.js';
import { notFound } from '../store-errors.js';
import type { NewReason, ReasonRecord, ReasonRepository } from '../task-manager-store.js';
import { toReason } from './task-manager-rows.js';

/** The registry of reasons a requester picks from. */
export function createReasonRepository(ctx: StoreContext): ReasonRepository {
  return Object.freeze({
    create: (reason: NewReason) => ctx.write(async (tx) => {
      const row = { id: newId(), name: reason.name, type: reason.type, enabled: reason.enabled ? 1 : 0, created_at: tx.now, updated_at: tx.now };
      await tx.db.insertInto('reasons').values(row).execute();
      return toReason(row);
    }),
    get: (id: string) => ctx.query(async (db) => {
      const row = await db.selectFrom('reasons').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toReason(row) : null;
    }),
    list: () => ctx.query(async (db) => Object.freeze((await db.selectFrom('reasons').selectAll().orderBy('name').execute()).map(toReason))),
    update: (id: string, changes: Partial<NewReason>) => updateReason(ctx, id, changes),
  });
}

async function updateReason(ctx: StoreContext, id: string, changes: Partial<NewReason>): Promise<ReasonRecord> {
  return ctx.write(async (tx) => {
    const set = {
      ...(changes.name === undefined ? {} : { name: changes.name }),
      ...(changes.type === undefined ? {} : { type: changes.type }),
      ...(changes.enabled === undefined ? {} : { enabled: changes.enabled ? 1 : 0 }),
      updated_at: tx.now,
    };
    const row = await tx.db.updateTable('reasons').set(set).where('id', '=', id).returningAll().executeTakeFirst();
    if (!row) throw notFound('reason', id);
    return toReason(row);
  });
}
