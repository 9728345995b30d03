import type { Operation } from '../../domain/index.js';
import { newId } from '../../domain/index.js';
import { newOperationRow, toOperation, type NewOperationRow } from '../operations/operation-rows.js';
import { eventBase } from '../operations/operation-transition.js';
import type { WriteTx } from '../store-context.js';
import type { FailedDevice, NewRun, RunRecord } from '../task-manager-store.js';
import type { RunsTable } from '../task-manager-tables.js';
import { approvalColumns, toRun } from './task-manager-rows.js';

/** Operation rows per INSERT: 26 columns × 500 stays under SQLite's bound-parameter limit. */
const CHUNK = 500;

/**
 * Inserts a run, its approvers and its operations inside the caller's transaction: the run
 * and its fan-out exist together or not at all (a scheduler crash leaves no half run).
 */
export async function insertRun(tx: WriteTx, input: NewRun, id: string = newId()): Promise<{ run: RunRecord; operations: readonly Operation[] }> {
  const row = runRow(input, id, tx.now);
  await tx.db.insertInto('runs').values(row).execute();
  await insertApprovers(tx, 'run', row.id, input.run.approval.approvers);
  const operations = [
    ...input.operations.map((operation, index) => newOperationRow({ ...operation, runId: row.id }, tx.now, `run.operations[${index}]`)),
    ...input.failed.map((failed) => failedOperationRow(input, failed, row.id, tx.now)),
  ];
  for (let start = 0; start < operations.length; start += CHUNK) {
    await tx.db.insertInto('operations').values(operations.slice(start, start + CHUNK)).execute();
  }
  for (const operation of operations) {
    tx.appendEvent(`operation.${operation.status}`, operation.id, { ...eventBase(operation), from: null, to: operation.status, requester: operation.requester });
  }
  if (operations.some((operation) => operation.status === 'scheduled')) tx.wakeWorkers();
  tx.appendEvent('run.created', row.id, { runId: row.id, taskId: row.task_id, origin: row.origin, approvalState: row.approval_state, operations: operations.length });
  return { run: toRun(row), operations: Object.freeze(operations.map(toOperation)) };
}

function runRow(input: NewRun, id: string, now: number): RunsTable {
  const { run } = input;
  return {
    id,
    task_id: run.taskId,
    origin: run.origin,
    schedule_id: run.scheduleId,
    fire_at: run.fireAt,
    requester_id: run.requesterId,
    requester_name: run.requesterName,
    reason_id: run.reasonId,
    justification: run.justification,
    governance_code: run.governanceCode,
    template_id: run.templateId,
    template_version: run.templateVersion,
    ...approvalColumns(run.approval),
    created_at: now,
    updated_at: now,
    decided_at: null,
  };
}

/**
 * A device the run could not start on gets an operation created directly in `failed`
 * (Error): it has no attempt, its message says why, and reports count it like any other.
 */
function failedOperationRow(input: NewRun, failed: FailedDevice, runId: string, now: number): NewOperationRow {
  const row = newOperationRow({ ...input.failedTemplate, deviceId: failed.deviceId, credentialId: null, runId }, now, 'run.failed');
  return { ...row, status: 'failed', last_error_code: failed.errorCode, last_error_message: failed.message, finished_at: now };
}

export async function insertApprovers(tx: WriteTx, subjectType: 'run' | 'schedule', subjectId: string, approvers: readonly string[]): Promise<void> {
  await tx.db.deleteFrom('approval_approvers').where('subject_type', '=', subjectType).where('subject_id', '=', subjectId).execute();
  if (approvers.length === 0) return;
  await tx.db.insertInto('approval_approvers').values(approvers.map((userId) => ({ subject_type: subjectType, subject_id: subjectId, user_id: userId }))).execute();
}
