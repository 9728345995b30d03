import { OstiaryError, PRIORITY_IMMEDIATE, validationError, type Operation, type OperationStatus } from '../../domain/index.js';
import type { StoreContext, WriteTx } from '../store-context.js';
import { notFound } from '../store-errors.js';
import { toOperation, type OperationRow } from './operation-rows.js';
import { eventBase, transition, type Transition } from './operation-transition.js';

/**
 * Scheduled or waiting → cancelled at once; running → the cancel flag, which the worker sees
 * at its next heartbeat and answers by completing as `cancelled`. Terminal statuses refuse.
 */
export async function requestCancel(ctx: StoreContext, operationId: string, actor: string): Promise<Operation> {
  requireActor(actor);
  return ctx.write(async (tx) => {
    const row = await loadRow(tx, operationId);
    if (row.status === 'running') return flagCancel(tx, row, actor);
    return applyOrConflict(tx, row, { to: 'cancelled', set: { finished_at: tx.now }, event: { actor } });
  });
}

async function flagCancel(tx: WriteTx, row: OperationRow, actor: string): Promise<Operation> {
  if (row.cancel_requested) return toOperation(row);
  const updated = await tx.db
    .updateTable('operations')
    .set({ cancel_requested: 1, updated_at: tx.now })
    .where('id', '=', row.id)
    .where('status', '=', 'running')
    .returningAll()
    .executeTakeFirst();
  if (!updated) throw changedConcurrently(row.id);
  tx.appendEvent('operation.cancel_requested', row.id, { ...eventBase(row), actor });
  return toOperation(updated);
}

/** failed → scheduled, due now; the attempt count is kept for the report. */
export async function restart(ctx: StoreContext, operationId: string, actor: string): Promise<Operation> {
  requireActor(actor);
  return ctx.write(async (tx) => {
    const row = await loadRow(tx, operationId);
    requireStatus(row, 'failed', 'scheduled');
    const operation = await applyOrConflict(tx, row, {
      to: 'scheduled',
      set: { not_before: tx.now, cancel_requested: 0, finished_at: null },
      event: { actor, reason: 'restart' },
    });
    tx.wakeWorkers();
    return operation;
  });
}

/** "Request immediate execution": a scheduled operation goes to the front of the queue, due now. */
export async function runImmediately(ctx: StoreContext, operationId: string, actor: string): Promise<Operation> {
  requireActor(actor);
  return ctx.write(async (tx) => {
    const row = await loadRow(tx, operationId);
    requireStatus(row, 'scheduled', 'running');
    const updated = await tx.db
      .updateTable('operations')
      .set({ priority: PRIORITY_IMMEDIATE, not_before: tx.now, updated_at: tx.now })
      .where('id', '=', row.id)
      .where('status', '=', 'scheduled')
      .returningAll()
      .executeTakeFirst();
    if (!updated) throw changedConcurrently(row.id);
    tx.appendEvent('operation.run_immediately', row.id, { ...eventBase(row), actor });
    tx.wakeWorkers();
    return toOperation(updated);
  });
}

/** waiting_approval → scheduled | cancelled | expired, every operation or none. */
export async function release(
  ctx: StoreContext,
  operationIds: readonly string[],
  to: 'scheduled' | 'cancelled' | 'expired',
  actor: string,
): Promise<void> {
  requireActor(actor);
  if (!['scheduled', 'cancelled', 'expired'].includes(to)) throw validationError('release.to', 'expected scheduled, cancelled or expired');
  await ctx.write(async (tx) => {
    for (const id of operationIds) {
      const row = await loadRow(tx, id);
      requireStatus(row, 'waiting_approval', to);
      await applyOrConflict(tx, row, { to, set: { finished_at: to === 'scheduled' ? null : tx.now }, event: { actor } });
    }
    if (to === 'scheduled' && operationIds.length > 0) tx.wakeWorkers();
  });
}

async function loadRow(tx: WriteTx, operationId: string): Promise<OperationRow> {
  const row = await tx.db.selectFrom('operations').selectAll().where('id', '=', operationId).executeTakeFirst();
  if (!row) throw notFound('operation', operationId);
  return row;
}

async function applyOrConflict(tx: WriteTx, row: OperationRow, change: Transition): Promise<Operation> {
  const operation = await transition(tx, row, change);
  if (!operation) throw changedConcurrently(row.id);
  return operation;
}

/**
 * The status machine allows more moves than a given command makes (running → scheduled is a
 * retry, not a restart): these commands also require the one status they start from.
 */
function requireStatus(row: OperationRow, from: OperationStatus, to: OperationStatus): void {
  if (row.status === from) return;
  throw new OstiaryError('OST_ILLEGAL_TRANSITION', `operation ${row.id} is ${row.status}; only a ${from} operation can go to ${to} here`, {
    details: { from: row.status, to, required: from },
  });
}

function changedConcurrently(operationId: string): OstiaryError {
  return new OstiaryError('OST_CONFLICT', `operation ${operationId} changed concurrently; try again`, { details: { operationId } });
}

function requireActor(actor: string): void {
  if (typeof actor !== 'string' || actor === '') throw validationError('actor', 'expected who asks for the change');
}
