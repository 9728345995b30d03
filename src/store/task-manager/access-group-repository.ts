import { newId } from '../../domain/index.js';
import type { StoreContext } from '../store-context.js';
import { notFound } from '../store-errors.js';
import type { AccessGroupRecord, AccessGroupRepository, NewAccessGroup } from '../task-manager-store.js';
import type { Insertable } from 'kysely';
import type { AccessGroupsTable } from '../task-manager-tables.js';
import { toAccessGroup } from './task-manager-rows.js';

/** Access groups; lists are kept as JSON, since resolution always reads every group whole. */
export function createAccessGroupRepository(ctx: StoreContext): AccessGroupRepository {
  return Object.freeze({
    create: (group: NewAccessGroup) => ctx.write(async (tx) => {
      const row = { id: newId(), ...columns(group), created_at: tx.now, updated_at: tx.now };
      await tx.db.insertInto('access_groups').values(row).execute();
      return toAccessGroup(row);
    }),
    get: (id: string) => ctx.query(async (db) => {
      const row = await db.selectFrom('access_groups').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toAccessGroup(row) : null;
    }),
    list: () => ctx.query(async (db) => Object.freeze((await db.selectFrom('access_groups').selectAll().orderBy('name').execute()).map(toAccessGroup))),
    update: (id: string, group: NewAccessGroup) => updateGroup(ctx, id, group),
    delete: (id: string) => ctx.write(async (tx) => {
      const result = await tx.db.deleteFrom('access_groups').where('id', '=', id).executeTakeFirst();
      if (result.numDeletedRows === 0n) throw notFound('access group', id);
    }),
  });
}

async function updateGroup(ctx: StoreContext, id: string, group: NewAccessGroup): Promise<AccessGroupRecord> {
  return ctx.write(async (tx) => {
    const row = await tx.db.updateTable('access_groups').set({ ...columns(group), updated_at: tx.now }).where('id', '=', id).returningAll().executeTakeFirst();
    if (!row) throw notFound('access group', id);
    return toAccessGroup(row);
  });
}

function columns(group: NewAccessGroup): Omit<Insertable<AccessGroupsTable>, 'id' | 'created_at' | 'updated_at'> & { enabled: number } {
  return {
    name: group.name,
    users: JSON.stringify(group.users),
    approvers: JSON.stringify(group.approvers),
    criteria: JSON.stringify(group.criteria),
    rules: JSON.stringify(group.rules),
    enabled: group.enabled ? 1 : 0,
  };
}
