import { z } from 'zod';
import { OstiaryError, parseInput } from '../../domain/index.js';
import type { Page, PageOf, Store } from '../../store/store.js';
import type { ApprovalState, FireRecord, ScheduleRecord } from '../../store/task-manager-store.js';
import { resolveAccess } from '../access/effective-access.js';
import { judgeAnswer, parseAnswerInput } from '../approval/answer-input.js';
import { assertRunRequest, parseRunRequest } from '../run/run-request.js';
import { approvalTerms } from '../run/run-service.js';
import { bindingOf } from '../task/task-service.js';
import type { Actor, TaskManagerDeps } from '../task-manager-deps.js';
import { MAX_PREVIEW, nextFireTimes } from './fire-times.js';
import { DEFAULT_GRACE_MS } from './missed-fires.js';
import { parseScheduleRule, type ScheduleRule } from './schedule-rule.js';

const scheduleSchema = z.object({
  rule: z.unknown(),
  graceMs: z.number().int().min(0).max(7 * 24 * 3_600_000).default(DEFAULT_GRACE_MS),
  reasonId: z.string().nullish(),
  justification: z.string().nullish(),
  governanceCode: z.string().nullish(),
}).strict();

/** Creating, approving, cancelling and previewing schedules. */
export class ScheduleService {
  readonly #store: Store;
  readonly #clock: () => number;

  constructor(deps: TaskManagerDeps) {
    this.#store = deps.store;
    this.#clock = deps.clock ?? Date.now;
  }

  /**
   * A schedule for a task, by a user an access group allows, with what its rules require.
   * It needs its own approval when the rules ask for one; it never expires waiting.
   */
  async create(taskId: string, requester: Actor, input: unknown): Promise<ScheduleRecord> {
    const parsed = parseInput(scheduleSchema, input, 'schedule');
    const rule = parseScheduleRule(parsed.rule);
    const request = parseRunRequest({ reasonId: parsed.reasonId, justification: parsed.justification, governanceCode: parsed.governanceCode }, 'schedule');
    const task = await this.#store.taskManager.tasks.get(taskId);
    if (!task) throw new OstiaryError('OST_NOT_FOUND', `task ${taskId} does not exist`, { details: { id: taskId } });
    const access = resolveAccess(await this.#store.taskManager.accessGroups.list(), requester.id, task);
    const reason = request.reasonId === null ? null : await this.#store.taskManager.reasons.get(request.reasonId);
    assertRunRequest(request, access.rules, reason, 'schedule');
    const approval = approvalTerms(access, task, this.#clock(), 'never');
    return this.#store.taskManager.schedules.create({
      taskId, rule, graceMs: parsed.graceMs, requesterId: requester.id, requesterName: requester.name, ...request,
      approval: approval.state === 'not_required' ? { ...approval, state: 'approved' } : approval,
    });
  }

  async answer(scheduleId: string, approver: Actor, input: unknown): Promise<ScheduleRecord> {
    const answer = parseAnswerInput(input);
    return this.#store.taskManager.schedules.answer(scheduleId, approver, ({ subject, approvals, task, now }) =>
      judgeAnswer({ requesterId: subject.requesterId, terms: subject.approval, approvals, currentBindingHash: bindingOf(task.id, task), approverId: approver.id, now, answer }));
  }

  cancel(scheduleId: string, actor: Actor): Promise<ScheduleRecord> {
    return this.#store.taskManager.schedules.cancel(scheduleId, actor.name);
  }

  async get(scheduleId: string): Promise<ScheduleRecord> {
    const schedule = await this.#store.taskManager.schedules.get(scheduleId);
    if (!schedule) throw new OstiaryError('OST_NOT_FOUND', `schedule ${scheduleId} does not exist`, { details: { id: scheduleId } });
    return schedule;
  }

  list(filter?: { readonly taskId?: string; readonly state?: readonly ApprovalState[] }): Promise<readonly ScheduleRecord[]> {
    return this.#store.taskManager.schedules.list(filter);
  }

  /** Schedules waiting for this approver's answer (not yet given), oldest first. */
  async inbox(approverId: string): Promise<readonly ScheduleRecord[]> {
    const waiting = await this.#store.taskManager.schedules.list({ state: ['waiting_approval'] });
    const mine: ScheduleRecord[] = [];
    for (const schedule of waiting.filter((candidate) => candidate.approval.approvers.includes(approverId))) {
      const answers = await this.#store.taskManager.schedules.approvals(schedule.id);
      if (!answers.some((answer) => answer.approverId === approverId)) mine.push(schedule);
    }
    return Object.freeze(mine);
  }

  /** Fires handled (run or missed), newest first. */
  fires(scheduleId: string, page?: Page): Promise<PageOf<FireRecord>> {
    return this.#store.taskManager.schedules.fires(scheduleId, page);
  }

  /** The next fires of a stored schedule, continuing from its last fire. */
  async nextFires(scheduleId: string, count: number): Promise<number[]> {
    const schedule = await this.get(scheduleId);
    const after = Math.max(this.#clock(), schedule.lastFireAt ?? -Infinity);
    return nextFireTimes(schedule.rule as ScheduleRule, after, count, { previousFire: schedule.lastFireAt });
  }
}

/** The next fire times of a rule not yet saved: validates it first (errors name the field). */
export function previewFireTimes(input: unknown, from: number, count: number): number[] {
  const rule = parseScheduleRule(input);
  const n = parseInput(z.number().int().min(1).max(MAX_PREVIEW), count, 'count');
  return nextFireTimes(rule, from, n);
}
