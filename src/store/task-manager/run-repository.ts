import type { Kysely } from 'kysely';
import type { OperationStatus } from '../../domain/index.js';
import type { Database } from '../database.js';
import { decodeCursor, pageLimit, toPage } from '../pagination.js';
import type { StoreContext, WriteTx } from '../store-context.js';
import { notFound } from '../store-errors.js';
import type { Page, PageOf } from '../store.js';
import type { AnswerContext, AnswerVerdict, NewRun, RunFilter, RunRecord, RunRepository } from '../task-manager-store.js';
import { listApprovals, recordAnswer, type AnswerSubject } from './approval-answers.js';
import { moveWaitingOperations } from './operation-moves.js';
import { insertRun } from './run-insert.js';
import { toRun } from './task-manager-rows.js';

/** Runs, their approvals and their operation counts. */
export function createRunRepository(ctx: StoreContext): RunRepository {
  return Object.freeze({
    create: (run: NewRun) => ctx.write((tx) => insertRun(tx, run)),
    get: (id: string) => ctx.query((db) => loadRun(db, id)),
    list: (filter?: RunFilter, page?: Page) => listRuns(ctx, filter ?? {}, page),
    approvals: (runId: string) => ctx.query((db) => listApprovals(db, 'run', runId)),
    answer: (runId: string, approver: { id: string; name: string }, judge: (context: AnswerContext<RunRecord>) => AnswerVerdict) =>
      ctx.write(async (tx) => {
        await recordAnswer(tx, RUN_SUBJECT, runId, approver, judge);
        return (await loadRun(tx.db, runId)) as RunRecord;
      }),
    expireDue: (now: number, actor: string) => ctx.write((tx) => expireDue(tx, now, actor)),
    statusCounts: (runIds: readonly string[]) => ctx.query((db) => statusCounts(db, runIds)),
    inbox: (approverId: string) => ctx.query((db) => inbox(db, approverId, ctx.clock())),
  });
}

const RUN_SUBJECT: AnswerSubject<RunRecord> = {
  type: 'run',
  lock: async (tx, id) => Number((await tx.db.updateTable('runs').set({ updated_at: tx.now }).where('id', '=', id).executeTakeFirst()).numUpdatedRows) > 0,
  load: async (tx, id) => {
    const run = await loadRun(tx.db, id);
    if (!run) throw notFound('run', id);
    return { subject: run, taskId: run.taskId };
  },
  settle: async (tx, id, outcome, actor) => {
    await tx.db.updateTable('runs').set({ approval_state: outcome, decided_at: tx.now }).where('id', '=', id).execute();
    await moveWaitingOperations(tx, id, outcome === 'approved' ? 'scheduled' : 'cancelled', { actor, reason: `run_${outcome}` });
    tx.appendEvent(`run.${outcome}`, id, { runId: id, actor });
  },
};

export async function loadRun(db: Kysely<Database>, id: string): Promise<RunRecord | null> {
  const row = await db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toRun(row) : null;
}

/** Newest first (created_at desc, id desc). `createdFrom` inclusive, `createdTo` exclusive. */
async function listRuns(ctx: StoreContext, filter: RunFilter, page: Page | undefined): Promise<PageOf<RunRecord>> {
  const limit = pageLimit(page);
  const after = decodeCursor(page);
  return ctx.query(async (db) => {
    let query = db.selectFrom('runs').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1);
    if (filter.taskId !== undefined) query = query.where('task_id', '=', filter.taskId);
    if (filter.requesterId !== undefined) query = query.where('requester_id', '=', filter.requesterId);
    if (filter.scheduleId !== undefined) query = query.where('schedule_id', '=', filter.scheduleId);
    if (filter.origin !== undefined) query = query.where('origin', '=', filter.origin);
    if (filter.approvalState !== undefined) query = query.where('approval_state', 'in', filter.approvalState.length > 0 ? [...filter.approvalState] : ['']);
    if (filter.createdFrom !== undefined) query = query.where('created_at', '>=', filter.createdFrom);
    if (filter.createdTo !== undefined) query = query.where('created_at', '<', filter.createdTo);
    if (after) query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(Number(after[0]), after[1])));
    return toPage(await query.execute(), limit, toRun, (row) => [row.created_at, row.id]);
  });
}

async function expireDue(tx: WriteTx, now: number, actor: string): Promise<readonly string[]> {
  const due = await tx.db.selectFrom('runs').select('id').where('approval_state', '=', 'waiting_approval')
    .where('approval_expires_at', 'is not', null).where('approval_expires_at', '<=', now).limit(500).execute();
  for (const { id } of due) {
    await tx.db.updateTable('runs').set({ approval_state: 'expired', decided_at: tx.now, updated_at: tx.now }).where('id', '=', id).execute();
    await moveWaitingOperations(tx, id, 'expired', { actor, reason: 'approval_expired' });
    tx.appendEvent('run.expired', id, { runId: id, actor });
  }
  return Object.freeze(due.map((run) => run.id));
}

type Counts = Readonly<Partial<Record<OperationStatus, number>>>;

async function statusCounts(db: Kysely<Database>, runIds: readonly string[]): Promise<ReadonlyMap<string, Counts>> {
  const counts = new Map<string, Partial<Record<OperationStatus, number>>>(runIds.map((id) => [id, {}]));
  if (runIds.length === 0) return counts;
  const rows = await db.selectFrom('operations')
    .select(['run_id', 'status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('run_id', 'in', [...runIds]).groupBy(['run_id', 'status']).execute();
  for (const row of rows) {
    const entry = counts.get(row.run_id ?? '');
    if (entry) entry[row.status as OperationStatus] = Number(row.n);
  }
  return counts;
}

/** Waiting, unexpired runs this approver may answer and has not, oldest first. */
async function inbox(db: Kysely<Database>, approverId: string, now: number): Promise<readonly RunRecord[]> {
  const rows = await db.selectFrom('runs').selectAll('runs')
    .innerJoin('approval_approvers', (join) => join.onRef('approval_approvers.subject_id', '=', 'runs.id').on('approval_approvers.subject_type', '=', 'run'))
    .where('approval_approvers.user_id', '=', approverId)
    .where('runs.approval_state', '=', 'waiting_approval')
    .where((eb) => eb.or([eb('runs.approval_expires_at', 'is', null), eb('runs.approval_expires_at', '>', now)]))
    .where((eb) => eb.not(eb.exists(eb.selectFrom('approval_answers').select('approver_id')
      .whereRef('approval_answers.subject_id', '=', 'runs.id')
      .where('approval_answers.subject_type', '=', 'run')
      .where('approval_answers.approver_id', '=', approverId))))
    .orderBy('runs.created_at').orderBy('runs.id').limit(1000).execute();
  return Object.freeze(rows.map(toRun));
}
