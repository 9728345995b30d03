import type { Kysely } from 'kysely';
import { OstiaryError, newId } from '../../domain/index.js';
import type { Database } from '../database.js';
import { decodeCursor, pageLimit, toPage } from '../pagination.js';
import type { StoreContext, WriteTx } from '../store-context.js';
import { notFound } from '../store-errors.js';
import type { Page, PageOf } from '../store.js';
import type { AnswerContext, AnswerVerdict, ApprovalState, FirePlan, FireRecord, NewScheduleRecord, RunRecord, ScheduleRecord, ScheduleRepository } from '../task-manager-store.js';
import type { SchedulesTable } from '../task-manager-tables.js';
import { listApprovals, recordAnswer, type AnswerSubject } from './approval-answers.js';
import { insertApprovers, insertRun } from './run-insert.js';
import { approvalColumns, toFire, toSchedule } from './task-manager-rows.js';

/** Schedules, their approvals and their fires. */
export function createScheduleRepository(ctx: StoreContext): ScheduleRepository {
  return Object.freeze({
    create: (schedule: NewScheduleRecord) => ctx.write((tx) => createSchedule(tx, schedule)),
    get: (id: string) => ctx.query((db) => loadSchedule(db, id)),
    list: (filter?: { readonly taskId?: string; readonly state?: readonly ApprovalState[] }) => ctx.query((db) => listSchedules(db, filter ?? {})),
    approvals: (scheduleId: string) => ctx.query((db) => listApprovals(db, 'schedule', scheduleId)),
    answer: (scheduleId: string, approver: { id: string; name: string }, judge: (context: AnswerContext<ScheduleRecord>) => AnswerVerdict) =>
      ctx.write(async (tx) => {
        await recordAnswer(tx, SCHEDULE_SUBJECT, scheduleId, approver, judge);
        return (await loadSchedule(tx.db, scheduleId)) as ScheduleRecord;
      }),
    cancel: (id: string, actor: string) => ctx.write((tx) => cancelSchedule(tx, id, actor)),
    recordFires: (scheduleId: string, plan: FirePlan) => ctx.write((tx) => recordFires(tx, scheduleId, plan)),
    fires: (scheduleId: string, page?: Page) => listFires(ctx, scheduleId, page),
  });
}

async function createSchedule(tx: WriteTx, input: NewScheduleRecord): Promise<ScheduleRecord> {
  const approved = input.approval.state === 'approved';
  const row: SchedulesTable = {
    id: newId(),
    task_id: input.taskId,
    rule: JSON.stringify(input.rule),
    grace_ms: input.graceMs,
    requester_id: input.requesterId,
    requester_name: input.requesterName,
    reason_id: input.reasonId,
    justification: input.justification,
    governance_code: input.governanceCode,
    ...approvalColumns(input.approval),
    // A schedule that needs no approval counts its fires from now; others from their approval.
    starts_at: approved ? tx.now : null,
    last_fire_at: null,
    created_at: tx.now,
    updated_at: tx.now,
  };
  await tx.db.insertInto('schedules').values(row).execute();
  await insertApprovers(tx, 'schedule', row.id, input.approval.approvers);
  tx.appendEvent('schedule.created', row.id, { scheduleId: row.id, taskId: row.task_id, approvalState: row.approval_state });
  return toSchedule(row);
}

const SCHEDULE_SUBJECT: AnswerSubject<ScheduleRecord> = {
  type: 'schedule',
  lock: async (tx, id) => Number((await tx.db.updateTable('schedules').set({ updated_at: tx.now }).where('id', '=', id).executeTakeFirst()).numUpdatedRows) > 0,
  load: async (tx, id) => {
    const schedule = await loadSchedule(tx.db, id);
    if (!schedule) throw notFound('schedule', id);
    return { subject: schedule, taskId: schedule.taskId };
  },
  settle: async (tx, id, outcome, actor) => {
    const startsAt = outcome === 'approved' ? tx.now : null;
    await tx.db.updateTable('schedules').set({ approval_state: outcome, starts_at: startsAt }).where('id', '=', id).execute();
    tx.appendEvent(`schedule.${outcome}`, id, { scheduleId: id, actor });
  },
};

async function cancelSchedule(tx: WriteTx, id: string, actor: string): Promise<ScheduleRecord> {
  const current = await loadSchedule(tx.db, id);
  if (!current) throw notFound('schedule', id);
  if (current.approval.state === 'rejected' || current.approval.state === 'cancelled') {
    throw new OstiaryError('OST_CONFLICT', `schedule ${id} is already ${current.approval.state}`, { details: { reason: current.approval.state } });
  }
  await tx.db.updateTable('schedules').set({ approval_state: 'cancelled', updated_at: tx.now }).where('id', '=', id).execute();
  tx.appendEvent('schedule.cancelled', id, { scheduleId: id, actor });
  return (await loadSchedule(tx.db, id)) as ScheduleRecord;
}

/**
 * The claim: each fire is one row keyed (schedule, fire time), inserted with ON CONFLICT DO
 * NOTHING. On PostgreSQL a second node's insert waits for the first transaction and then
 * inserts nothing, so only the node whose row landed creates the run — in the same
 * transaction, so a claimed fire never lacks its run. Only an approved schedule fires.
 */
async function recordFires(tx: WriteTx, scheduleId: string, plan: FirePlan): Promise<RunRecord | null> {
  const state = await tx.db.selectFrom('schedules').select('approval_state').where('id', '=', scheduleId).executeTakeFirst();
  if (!state) throw notFound('schedule', scheduleId);
  if (state.approval_state !== 'approved') return null;
  for (const fireAt of plan.missed) {
    if (await claimFire(tx, scheduleId, fireAt, 'missed', null)) tx.appendEvent('schedule.fire_missed', scheduleId, { scheduleId, fireAt });
  }
  let created: RunRecord | null = null;
  if (plan.run) {
    const runId = newId();
    if (await claimFire(tx, scheduleId, plan.run.fireAt, 'run', runId)) {
      created = (await insertRun(tx, plan.run.newRun, runId)).run;
    }
  }
  await advanceCursor(tx, scheduleId, plan.cursor);
  return created;
}

async function claimFire(tx: WriteTx, scheduleId: string, fireAt: number, outcome: 'run' | 'missed', runId: string | null): Promise<boolean> {
  const result = await tx.db.insertInto('schedule_fires')
    .values({ schedule_id: scheduleId, fire_at: fireAt, outcome, run_id: runId, recorded_at: tx.now })
    .onConflict((oc) => oc.columns(['schedule_id', 'fire_at']).doNothing())
    .returning('fire_at')
    .executeTakeFirst();
  return result !== undefined;
}

/** `last_fire_at` only moves forward, whichever node writes last. */
async function advanceCursor(tx: WriteTx, scheduleId: string, cursor: number): Promise<void> {
  await tx.db.updateTable('schedules').set({ last_fire_at: cursor, updated_at: tx.now })
    .where('id', '=', scheduleId)
    .where((eb) => eb.or([eb('last_fire_at', 'is', null), eb('last_fire_at', '<', cursor)]))
    .execute();
}

export async function loadSchedule(db: Kysely<Database>, id: string): Promise<ScheduleRecord | null> {
  const row = await db.selectFrom('schedules').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toSchedule(row) : null;
}

async function listSchedules(db: Kysely<Database>, filter: { readonly taskId?: string; readonly state?: readonly ApprovalState[] }): Promise<readonly ScheduleRecord[]> {
  let query = db.selectFrom('schedules').selectAll().orderBy('created_at').orderBy('id');
  if (filter.taskId !== undefined) query = query.where('task_id', '=', filter.taskId);
  if (filter.state !== undefined) query = query.where('approval_state', 'in', filter.state.length > 0 ? [...filter.state] : ['']);
  return Object.freeze((await query.execute()).map(toSchedule));
}

async function listFires(ctx: StoreContext, scheduleId: string, page: Page | undefined): Promise<PageOf<FireRecord>> {
  const limit = pageLimit(page);
  const after = decodeCursor(page);
  return ctx.query(async (db) => {
    let query = db.selectFrom('schedule_fires').selectAll().where('schedule_id', '=', scheduleId).orderBy('fire_at', 'desc').limit(limit + 1);
    if (after) query = query.where('fire_at', '<', Number(after[0]));
    return toPage(await query.execute(), limit, toFire, (row) => [row.fire_at, row.schedule_id]);
  });
}
