import type { CredentialSyncState, SealedSecret, SecretVersion } from '../domain/index.js';
import { insertRotation, lockUnfinished, requireFence } from './rotation-locking.js';
import type { RotationRow } from './rotation-rows.js';
import { addPendingVersion, discardPendingVersion, hasPending, promotePendingVersion, secretOfCredential } from './rotation-secret-states.js';
import type { CommitResult, RotationFence, RotationPhase, RotationRequest, RotationStart } from './rotation-store.js';
import type { WriteTx } from './store-context.js';

/*
 * The protocol's steps (DESIGN.md §4), one transaction each, called inside `ctx.write`. Every
 * step first checks the worker's lease (when fenced) and locks the unfinished rotation, so a
 * worker that lost its operation, or a rotation that already ended, changes nothing.
 */

/** Triggers that stand for a person or client system asking. */
const REQUESTED_TRIGGERS: ReadonlySet<string> = new Set(['manual', 'bulk', 'api']);

export async function recordIntent(tx: WriteTx, rotationId: string, secretId: string, value: SealedSecret, fence: RotationFence): Promise<SecretVersion> {
  await requireFence(tx, fence);
  const row = await lockUnfinished(tx, rotationId);
  const version = await addPendingVersion(tx, secretId, value, row.operation_id);
  await setPhase(tx, row.id, 'applying', null);
  await setSyncState(tx, row.credential_id, 'rotating');
  return version;
}

export async function commitRotation(tx: WriteTx, rotationId: string, fence: RotationFence | null, children: readonly RotationRequest[]): Promise<CommitResult> {
  await requireFence(tx, fence);
  const row = await lockUnfinished(tx, rotationId);
  const { secretId, deviceId } = await secretOfCredential(tx, row.credential_id);
  const version = await promotePendingVersion(tx, secretId);
  await finishRow(tx, row.id, 'committed', null);
  await setSyncState(tx, row.credential_id, 'in_sync');
  await recordRotated(tx, row);
  tx.appendEvent('credential.rotated', row.credential_id, { ...eventIds(row, deviceId), version });
  const started: RotationStart[] = [];
  for (const [index, child] of children.entries()) {
    const start = await insertRotation(tx, { ...child, parentRotationId: row.id }, `children[${index}]`);
    if (start) started.push(start);
  }
  return Object.freeze({ version, children: Object.freeze(started) });
}

export async function keepCurrent(tx: WriteTx, rotationId: string, fence: RotationFence | null, failure: { readonly errorCode: string } | null): Promise<void> {
  await requireFence(tx, fence);
  const row = await lockUnfinished(tx, rotationId);
  const { secretId, deviceId } = await secretOfCredential(tx, row.credential_id);
  await discardPendingVersion(tx, secretId);
  await setSyncState(tx, row.credential_id, 'in_sync');
  if (failure === null) {
    await setPhase(tx, row.id, 'requested', null);
    return;
  }
  await finishRow(tx, row.id, 'failed', failure.errorCode);
  tx.appendEvent('credential.rotation_failed', row.credential_id, { ...eventIds(row, deviceId), errorCode: failure.errorCode });
}

export async function reopen(tx: WriteTx, rotationId: string, fence: RotationFence | null): Promise<void> {
  await requireFence(tx, fence);
  const row = await lockUnfinished(tx, rotationId);
  const { secretId } = await secretOfCredential(tx, row.credential_id);
  await discardPendingVersion(tx, secretId);
  await setPhase(tx, row.id, 'requested', null);
}

export async function markOutOfSync(
  tx: WriteTx,
  rotationId: string,
  fence: RotationFence | null,
  errorCode: string,
  reconcile: RotationRequest | null,
): Promise<RotationStart | null> {
  await requireFence(tx, fence);
  const row = await lockUnfinished(tx, rotationId);
  const { secretId, deviceId } = await secretOfCredential(tx, row.credential_id);
  await discardPendingVersion(tx, secretId);
  await finishRow(tx, row.id, 'out_of_sync', errorCode);
  await setSyncState(tx, row.credential_id, 'out_of_sync');
  const started = reconcile ? await insertRotation(tx, { ...reconcile, parentRotationId: row.id }, 'reconcile') : null;
  tx.appendEvent('credential.out_of_sync', row.credential_id, { ...eventIds(row, deviceId), errorCode, reconcileOperationId: started?.operation.id ?? null });
  return started;
}

export async function markUnverified(tx: WriteTx, rotationId: string, fence: RotationFence | null): Promise<void> {
  await requireFence(tx, fence);
  const row = await lockUnfinished(tx, rotationId);
  const { deviceId } = await secretOfCredential(tx, row.credential_id);
  await setSyncState(tx, row.credential_id, 'unverified');
  tx.appendEvent('credential.unverified', row.credential_id, eventIds(row, deviceId));
}

export async function confirmCurrent(tx: WriteTx, rotationId: string, fence: RotationFence | null): Promise<void> {
  await requireFence(tx, fence);
  const row = await lockUnfinished(tx, rotationId);
  await finishRow(tx, row.id, 'verified', null);
  await setSyncState(tx, row.credential_id, 'in_sync');
}

/** Ends a rotation whose operation is over; `false` when it had already ended or still has a pending secret. */
export async function finishStale(tx: WriteTx, rotationId: string, phase: 'failed' | 'cancelled', errorCode: string | null): Promise<boolean> {
  const row = await tx.db.selectFrom('rotations').selectAll().where('id', '=', rotationId).where('finished_at', 'is', null).executeTakeFirst();
  if (!row) return false;
  const { secretId, deviceId } = await secretOfCredential(tx, row.credential_id);
  if (await hasPending(tx, secretId)) return false;
  await finishRow(tx, row.id, phase, errorCode);
  await setSyncState(tx, row.credential_id, 'in_sync');
  if (phase === 'failed') tx.appendEvent('credential.rotation_failed', row.credential_id, { ...eventIds(row, deviceId), errorCode });
  return true;
}

export async function handOver(tx: WriteTx, rotationId: string, next: RotationRequest): Promise<RotationStart | null> {
  const result = await tx.db
    .updateTable('rotations')
    .set({ phase: 'handed_over', finished_at: tx.now, updated_at: tx.now })
    .where('id', '=', rotationId)
    .where('finished_at', 'is', null)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) return null;
  return insertRotation(tx, { ...next, parentRotationId: rotationId }, 'recovery');
}

async function setPhase(tx: WriteTx, rotationId: string, phase: RotationPhase, errorCode: string | null): Promise<void> {
  await tx.db.updateTable('rotations').set({ phase, error_code: errorCode, updated_at: tx.now }).where('id', '=', rotationId).execute();
}

async function finishRow(tx: WriteTx, rotationId: string, phase: RotationPhase, errorCode: string | null): Promise<void> {
  await tx.db.updateTable('rotations').set({ phase, error_code: errorCode, updated_at: tx.now, finished_at: tx.now }).where('id', '=', rotationId).execute();
}

async function setSyncState(tx: WriteTx, credentialId: string, state: CredentialSyncState): Promise<void> {
  await tx.db.updateTable('credentials').set({ sync_state: state, updated_at: tx.now }).where('id', '=', credentialId).execute();
}

/**
 * Remembers when the credential last changed, and whether a person or client has changed it
 * once: a recovery rotation counts as the rotation it took over from.
 */
async function recordRotated(tx: WriteTx, row: RotationRow): Promise<void> {
  const requested = REQUESTED_TRIGGERS.has(row.trigger) || (await parentWasRequested(tx, row));
  await tx.db
    .updateTable('credential_rotation')
    .set({ last_rotated_at: tx.now, updated_at: tx.now, ...(requested ? { manual_done: 1 } : {}) })
    .where('credential_id', '=', row.credential_id)
    .execute();
}

async function parentWasRequested(tx: WriteTx, row: RotationRow): Promise<boolean> {
  if (row.trigger !== 'recovery' || row.parent_rotation_id === null) return false;
  const parent = await tx.db.selectFrom('rotations').select('trigger').where('id', '=', row.parent_rotation_id).executeTakeFirst();
  return parent !== undefined && REQUESTED_TRIGGERS.has(parent.trigger);
}

/** Ids only: an event never carries a secret or free text. */
function eventIds(row: RotationRow, deviceId: string): Record<string, unknown> {
  return { credentialId: row.credential_id, deviceId, rotationId: row.id, operationId: row.operation_id, kind: row.kind, trigger: row.trigger };
}
