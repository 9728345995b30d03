import { OstiaryError, newId, validationError } from '../domain/index.js';
import { newOperationRow, toOperation } from './operations/operation-rows.js';
import { eventBase } from './operations/operation-transition.js';
import { toRotation, type RotationRow } from './rotation-rows.js';
import { ROTATION_KINDS, ROTATION_TRIGGERS } from './rotation-store.js';
import type { RotationFence, RotationRequest, RotationStart } from './rotation-store.js';
import type { WriteTx } from './store-context.js';
import { notFound } from './store-errors.js';

/**
 * Inserts the journal row, then its operation, inside the caller's transaction. The row is
 * inserted with `ON CONFLICT DO NOTHING`: when the credential already has an unfinished
 * rotation the partial unique index refuses it without aborting the transaction (a parent's
 * commit must not fail because a child is busy), and `null` comes back.
 */
export async function insertRotation(tx: WriteTx, request: RotationRequest, field = 'rotation'): Promise<RotationStart | null> {
  validateRequest(request, field);
  const operationRow = newOperationRow({ ...request.operation, credentialId: request.credentialId }, tx.now, `${field}.operation`);
  const row: RotationRow = {
    id: newId(),
    credential_id: request.credentialId,
    operation_id: operationRow.id,
    kind: request.kind,
    trigger: request.trigger,
    requester: request.requester,
    parent_rotation_id: request.parentRotationId ?? null,
    phase: 'requested',
    error_code: null,
    created_at: tx.now,
    updated_at: tx.now,
    finished_at: null,
  };
  const inserted = await tx.db.insertInto('rotations').values(row).onConflict((conflict) => conflict.doNothing()).returning('id').executeTakeFirst();
  if (!inserted) return null;
  // The same row and event as OperationQueue.submit, here inside the rotation's transaction.
  await tx.db.insertInto('operations').values(operationRow).execute();
  tx.appendEvent(`operation.${operationRow.status}`, operationRow.id, { ...eventBase(operationRow), from: null, to: operationRow.status, requester: operationRow.requester });
  if (operationRow.status === 'scheduled') tx.wakeWorkers();
  return Object.freeze({ rotation: toRotation(row), operation: toOperation(operationRow) });
}

function validateRequest(request: RotationRequest, field: string): void {
  if (typeof request.credentialId !== 'string' || request.credentialId === '') throw validationError(`${field}.credentialId`, 'expected a credential id');
  if (!(ROTATION_KINDS as readonly string[]).includes(request.kind)) throw validationError(`${field}.kind`, `expected one of ${ROTATION_KINDS.join(', ')}`);
  if (!(ROTATION_TRIGGERS as readonly string[]).includes(request.trigger)) throw validationError(`${field}.trigger`, `expected one of ${ROTATION_TRIGGERS.join(', ')}`);
  if (typeof request.requester !== 'string' || request.requester === '') throw validationError(`${field}.requester`, 'expected who asked');
  if (request.operation.type !== request.kind) throw validationError(`${field}.operation.type`, `expected ${request.kind}, the rotation's kind`);
}

/** `OST_CONFLICT` naming the field a caller recognises, with the unfinished rotation's id. */
export function rotationInProgress(credentialId: string, activeRotationId: string | null): OstiaryError {
  return new OstiaryError('OST_CONFLICT', 'credential.rotation: the credential already has a rotation in progress; one rotation at a time per credential', {
    details: { field: 'credential.rotation', credentialId, activeRotationId },
  });
}

/**
 * Holds the row of the fenced operation for the rest of the transaction, or throws
 * `OST_LEASE_LOST` when the worker no longer holds its lease: lease recovery and this write
 * are conditional updates of the same row, so exactly one of them wins.
 */
export async function requireFence(tx: WriteTx, fence: RotationFence | null): Promise<void> {
  if (fence === null) return;
  const result = await tx.db
    .updateTable('operations')
    .set({ updated_at: tx.now })
    .where('id', '=', fence.operationId)
    .where('status', '=', 'running')
    .where('lease_owner', '=', fence.workerId)
    .where('current_attempt_id', '=', fence.attemptId)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) {
    throw new OstiaryError('OST_LEASE_LOST', `operation ${fence.operationId}: this worker no longer holds its lease; the rotation step was not recorded`, {
      details: { operationId: fence.operationId },
    });
  }
}

/** Locks the unfinished rotation's row (a no-op update) and returns it; `OST_CONFLICT` when it has finished. */
export async function lockUnfinished(tx: WriteTx, rotationId: string): Promise<RotationRow> {
  const row = await tx.db
    .updateTable('rotations')
    .set({ updated_at: tx.now })
    .where('id', '=', rotationId)
    .where('finished_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
  if (row) return row;
  const exists = await tx.db.selectFrom('rotations').select('id').where('id', '=', rotationId).executeTakeFirst();
  if (!exists) throw notFound('rotation', rotationId);
  throw new OstiaryError('OST_CONFLICT', `rotation ${rotationId} has already finished`, { details: { field: 'rotation.finishedAt', rotationId } });
}
