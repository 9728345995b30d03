import type { Kysely } from 'kysely';
import { OPERATION_STATUSES, validationError, type Attempt, type Operation, type OperationStatus } from '../../domain/index.js';
import type { Database } from '../database.js';
import { decodeCursor, pageLimit, toPage } from '../pagination.js';
import type { StoreContext } from '../store-context.js';
import type { OperationFilter, Page, PageOf, QueueStats } from '../store.js';
import { toAttempt, toOperation } from './operation-rows.js';

export async function getOperation(ctx: StoreContext, id: string): Promise<Operation | null> {
  const row = await ctx.query((db) => db.selectFrom('operations').selectAll().where('id', '=', id).executeTakeFirst());
  return row ? toOperation(row) : null;
}

/** Newest first (created_at desc, id desc): a stable order for keyset pages. */
export async function listOperations(ctx: StoreContext, filter: OperationFilter = {}, page?: Page): Promise<PageOf<Operation>> {
  const limit = pageLimit(page);
  const after = decodeCursor(page);
  validateFilter(filter);
  return ctx.query(async (db) => {
    let query = filtered(db, filter).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1);
    if (after) query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(Number(after[0]), after[1])));
    return toPage(await query.execute(), limit, toOperation, (row) => [row.created_at, row.id]);
  });
}

/** `createdFrom` is inclusive, `createdTo` exclusive. */
function filtered(db: Kysely<Database>, filter: OperationFilter) {
  let query = db.selectFrom('operations').selectAll();
  // An empty status list matches nothing (SQL has no empty `in ()`; no status is '').
  if (filter.status !== undefined) query = query.where('status', 'in', filter.status.length > 0 ? [...filter.status] : ['']);
  if (filter.deviceId !== undefined) query = query.where('device_id', '=', filter.deviceId);
  if (filter.credentialId !== undefined) query = query.where('credential_id', '=', filter.credentialId);
  if (filter.requester !== undefined) query = query.where('requester', '=', filter.requester);
  if (filter.runId !== undefined) query = query.where('run_id', '=', filter.runId);
  if (filter.createdFrom !== undefined) query = query.where('created_at', '>=', filter.createdFrom);
  if (filter.createdTo !== undefined) query = query.where('created_at', '<', filter.createdTo);
  return query;
}

function validateFilter(filter: OperationFilter): void {
  const unknown = filter.status?.find((status) => !(OPERATION_STATUSES as readonly string[]).includes(status));
  if (unknown !== undefined) throw validationError('filter.status', `expected statuses among ${OPERATION_STATUSES.join(', ')}`);
}

export async function listAttempts(ctx: StoreContext, operationId: string): Promise<readonly Attempt[]> {
  const rows = await ctx.query((db) => db.selectFrom('attempts').selectAll().where('operation_id', '=', operationId).orderBy('number').execute());
  return Object.freeze(rows.map(toAttempt));
}

export async function queueStats(ctx: StoreContext): Promise<QueueStats> {
  const now = ctx.clock();
  return ctx.query(async (db) => {
    const counts = await db
      .selectFrom('operations')
      .select(['status', 'executor', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy(['status', 'executor'])
      .execute();
    const due = await db
      .selectFrom('operations')
      .select((eb) => [eb.fn.min('not_before').as('due'), eb.fn.countAll<number>().as('n')])
      .where('status', '=', 'scheduled')
      .where('not_before', '<=', now)
      .executeTakeFirst();
    const byStatusAndExecutor = counts.map((c) => Object.freeze({ status: c.status as OperationStatus, executor: c.executor, count: Number(c.n) }));
    const byStatus: Partial<Record<OperationStatus, number>> = {};
    for (const c of byStatusAndExecutor) byStatus[c.status] = (byStatus[c.status] ?? 0) + c.count;
    const oldest = due?.due ?? null;
    return Object.freeze({
      byStatus: Object.freeze(byStatus),
      byStatusAndExecutor: Object.freeze(byStatusAndExecutor),
      dueCount: Number(due?.n ?? 0),
      oldestDueAgeMs: oldest === null ? 0 : now - Number(oldest),
    });
  });
}
