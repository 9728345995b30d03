import type { Updateable } from 'kysely';
import { assertTransition, type Operation, type OperationStatus } from '../../domain/index.js';
import type { OperationsTable } from '../database.js';
import type { WriteTx } from '../store-context.js';
import { toOperation, type OperationRow } from './operation-rows.js';

/** A lease the row must still be held under for the change to apply. */
export interface LeaseFence {
  readonly workerId: string;
  readonly attemptId: string;
}

export interface Transition {
  readonly to: OperationStatus;
  readonly set?: Updateable<OperationsTable>;
  readonly fence?: LeaseFence;
  /** Added to the outbox event's payload: ids and codes only, never a secret or free text. */
  readonly event?: Readonly<Record<string, unknown>>;
}

/**
 * Moves an operation from the status it was read in to `to`, and queues the outbox event
 * `operation.<to>`. The update is conditional on the status read (and the lease, when
 * fenced), so a concurrent change makes it match nothing: then it returns `null` and
 * changes nothing.
 */
export async function transition(tx: WriteTx, row: OperationRow, change: Transition): Promise<Operation | null> {
  assertTransition(row.status as OperationStatus, change.to);
  let update = tx.db
    .updateTable('operations')
    .set({ ...change.set, status: change.to, updated_at: tx.now })
    .where('id', '=', row.id)
    .where('status', '=', row.status);
  if (change.fence) update = update.where('lease_owner', '=', change.fence.workerId).where('current_attempt_id', '=', change.fence.attemptId);
  const updated = await update.returningAll().executeTakeFirst();
  if (!updated) return null;
  tx.appendEvent(`operation.${change.to}`, row.id, { ...eventBase(row), from: row.status, to: change.to, ...change.event });
  return toOperation(updated);
}

/** The ids every operation event carries. */
export function eventBase(row: Pick<OperationRow, 'id' | 'device_id' | 'credential_id' | 'run_id'>): Record<string, unknown> {
  return { operationId: row.id, deviceId: row.device_id, credentialId: row.credential_id, runId: row.run_id };
}
