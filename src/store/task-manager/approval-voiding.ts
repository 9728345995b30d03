import type { WriteTx } from '../store-context.js';
import { moveWaitingOperations } from './operation-moves.js';

/**
 * Runs of the task still waiting for approval under another binding than `bindingHash`
 * become `voided`; their waiting operations are cancelled. Returns their ids.
 */
export async function voidRunApprovals(tx: WriteTx, taskId: string, bindingHash: string, actor: string): Promise<string[]> {
  const runs = await tx.db.selectFrom('runs').select('id').where('task_id', '=', taskId)
    .where('approval_state', '=', 'waiting_approval').where('binding_hash', '<>', bindingHash).execute();
  for (const { id } of runs) {
    await tx.db.updateTable('runs').set({ approval_state: 'voided', decided_at: tx.now, updated_at: tx.now }).where('id', '=', id).execute();
    await moveWaitingOperations(tx, id, 'cancelled', { actor, reason: 'approval_voided' });
    tx.appendEvent('run.approval_voided', id, { runId: id, taskId, actor });
  }
  return runs.map((run) => run.id);
}

/**
 * Schedules of the task that need approval and were bound to another form go back to
 * `waiting_approval` with their answers dropped: an approved schedule never runs a task
 * its approvers did not see. Schedules that need no approval just take the new binding.
 */
export async function reopenScheduleApprovals(tx: WriteTx, taskId: string, bindingHash: string): Promise<string[]> {
  await tx.db.updateTable('schedules').set({ binding_hash: bindingHash, updated_at: tx.now })
    .where('task_id', '=', taskId).where('approvals_required', '=', 0).where('approval_state', '=', 'approved').execute();
  const schedules = await tx.db.selectFrom('schedules').select('id').where('task_id', '=', taskId)
    .where('approvals_required', '>', 0).where('approval_state', 'in', ['waiting_approval', 'approved']).where('binding_hash', '<>', bindingHash).execute();
  for (const { id } of schedules) {
    await tx.db.deleteFrom('approval_answers').where('subject_type', '=', 'schedule').where('subject_id', '=', id).execute();
    await tx.db.updateTable('schedules').set({ approval_state: 'waiting_approval', binding_hash: bindingHash, starts_at: null, updated_at: tx.now }).where('id', '=', id).execute();
    tx.appendEvent('schedule.reapproval_required', id, { scheduleId: id, taskId });
  }
  return schedules.map((schedule) => schedule.id);
}
