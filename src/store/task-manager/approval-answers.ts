import type { Kysely } from 'kysely';
import { OstiaryError } from '../../domain/index.js';
import type { Database } from '../database.js';
import type { WriteTx } from '../store-context.js';
import { notFound } from '../store-errors.js';
import type { AnswerContext, AnswerVerdict, ApprovalRecord, TaskRecord } from '../task-manager-store.js';
import { loadTask } from './task-repository.js';
import { toApproval } from './task-manager-rows.js';

export type SubjectType = 'run' | 'schedule';

export async function listApprovals(db: Kysely<Database>, subjectType: SubjectType, subjectId: string): Promise<readonly ApprovalRecord[]> {
  const rows = await db.selectFrom('approval_answers').selectAll()
    .where('subject_type', '=', subjectType).where('subject_id', '=', subjectId).orderBy('decided_at').orderBy('approver_id').execute();
  return Object.freeze(rows.map(toApproval));
}

/** How one kind of subject is locked, read and moved once an answer decides it. */
export interface AnswerSubject<T> {
  readonly type: SubjectType;
  /** Touches the row, so concurrent answers on PostgreSQL queue behind this one (SQLite writers are serialized anyway). */
  lock(tx: WriteTx, id: string): Promise<boolean>;
  load(tx: WriteTx, id: string): Promise<{ subject: T; taskId: string }>;
  /** Applies `approved` or `rejected`. */
  settle(tx: WriteTx, id: string, outcome: 'approved' | 'rejected', actor: string): Promise<void>;
}

/**
 * One approver's answer in one transaction: lock the subject, let the rules judge it (they
 * throw to refuse), store the answer — the primary key refuses a second one from the same
 * approver — and settle the subject when the answer decides it.
 */
export async function recordAnswer<T>(
  tx: WriteTx,
  kind: AnswerSubject<T>,
  id: string,
  approver: { id: string; name: string },
  judge: (context: AnswerContext<T>) => AnswerVerdict,
): Promise<void> {
  if (!(await kind.lock(tx, id))) throw notFound(kind.type, id);
  const { subject, taskId } = await kind.load(tx, id);
  const task = await requireTask(tx.db, taskId);
  const approvals = await listApprovals(tx.db, kind.type, id);
  const verdict = judge({ subject, approvals, task, now: tx.now });
  await insertAnswer(tx, kind.type, id, approver, verdict);
  tx.appendEvent(`${kind.type}.answered`, id, { subjectId: id, approverId: approver.id, answer: verdict.answer, outcome: verdict.outcome });
  if (verdict.outcome !== 'waiting_approval') await kind.settle(tx, id, verdict.outcome, `user:${approver.id}`);
}

async function insertAnswer(tx: WriteTx, subjectType: SubjectType, subjectId: string, approver: { id: string; name: string }, verdict: AnswerVerdict): Promise<void> {
  const inserted = await tx.db.insertInto('approval_answers').values({
    subject_type: subjectType,
    subject_id: subjectId,
    approver_id: approver.id,
    approver_name: approver.name,
    answer: verdict.answer,
    justification: verdict.justification,
    decided_at: tx.now,
  }).onConflict((oc) => oc.columns(['subject_type', 'subject_id', 'approver_id']).doNothing()).returning('approver_id').executeTakeFirst();
  if (!inserted) {
    throw new OstiaryError('OST_CONFLICT', 'this approver has already answered this request', { details: { reason: 'already_answered' } });
  }
}

async function requireTask(db: Kysely<Database>, taskId: string): Promise<TaskRecord> {
  const task = await loadTask(db, taskId);
  if (!task) throw notFound('task', taskId);
  return task;
}
