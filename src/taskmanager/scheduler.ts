import type { Store } from '../store/store.js';
import type { FirePlan, ScheduleRecord } from '../store/task-manager-store.js';
import { buildRun } from './run/run-builder.js';
import { RunService } from './run/run-service.js';
import { fireTimesBetween } from './schedule/fire-times.js';
import { planDueFires } from './schedule/missed-fires.js';
import type { ScheduleRule } from './schedule/schedule-rule.js';
import { SCHEDULER_REQUESTER, type TaskManagerDeps } from './task-manager-deps.js';

/** Most fires one pass records for one schedule; a longer backlog continues next pass. */
const MAX_FIRES_PER_PASS = 1_000;

export interface SchedulerOptions {
  /** How often the loop looks for due fires and expired approvals. @defaultValue 15000 */
  readonly intervalMs?: number;
  /** Told about errors of a pass (the loop goes on). @defaultValue ignore */
  readonly onError?: (error: unknown) => void;
}

/** What one pass did. */
export interface SchedulerPass {
  readonly runsCreated: readonly string[];
  readonly missed: number;
  readonly expiredRuns: readonly string[];
}

/**
 * The scheduler: each pass runs the due fires of every approved schedule (at most once per
 * fire, across every node sharing the database — see `ScheduleRepository.recordFires`),
 * records missed ones, and expires runs whose approval lifetime ended. Any number of
 * processes may run one; PostgreSQL arbitrates.
 */
export class Scheduler {
  readonly #store: Store;
  readonly #clock: () => number;
  readonly #runs: RunService;
  readonly #intervalMs: number;
  readonly #onError: (error: unknown) => void;
  #timer: NodeJS.Timeout | null = null;
  #pass: Promise<unknown> | null = null;

  constructor(deps: TaskManagerDeps, options: SchedulerOptions = {}) {
    this.#store = deps.store;
    this.#clock = deps.clock ?? Date.now;
    this.#runs = new RunService(deps);
    this.#intervalMs = options.intervalMs ?? 15_000;
    this.#onError = options.onError ?? (() => undefined);
  }

  /** One pass over every approved schedule, then the approval-expiry sweep. */
  async tick(now: number = this.#clock()): Promise<SchedulerPass> {
    const schedules = await this.#store.taskManager.schedules.list({ state: ['approved'] });
    const runsCreated: string[] = [];
    let missed = 0;
    for (const schedule of schedules) {
      try {
        const result = await this.#fire(schedule, now);
        if (result.runId) runsCreated.push(result.runId);
        missed += result.missed;
      } catch (error) {
        this.#onError(error);
      }
    }
    const expiredRuns = await this.#runs.expireDue(now);
    return Object.freeze({ runsCreated: Object.freeze(runsCreated), missed, expiredRuns });
  }

  start(): void {
    if (this.#timer) return;
    const loop = () => {
      this.#pass = this.tick().catch(this.#onError).finally(() => {
        this.#pass = null;
        if (this.#timer) this.#timer = setTimeout(loop, this.#intervalMs);
      });
    };
    this.#timer = setTimeout(loop, 0);
  }

  /** Stops the loop and waits for a pass in progress. */
  async stop(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#pass;
  }

  async #fire(schedule: ScheduleRecord, now: number): Promise<{ runId: string | null; missed: number }> {
    const plan = await this.#plan(schedule, now);
    if (!plan) return { runId: null, missed: 0 };
    const run = await this.#store.taskManager.schedules.recordFires(schedule.id, plan);
    return { runId: run?.id ?? null, missed: plan.missed.length };
  }

  async #plan(schedule: ScheduleRecord, now: number): Promise<FirePlan | null> {
    if (schedule.startsAt === null) return null;
    const after = Math.max(schedule.startsAt, schedule.lastFireAt ?? -Infinity);
    const due = fireTimesBetween(schedule.rule as ScheduleRule, after, now, MAX_FIRES_PER_PASS, { previousFire: schedule.lastFireAt });
    const cursor = due.at(-1);
    if (cursor === undefined) return null;
    const { run, missed } = planDueFires(due, now, schedule.graceMs);
    const newRun = run === null ? null : await this.#newRun(schedule, run);
    // A fire whose task has gone is recorded as missed, never silently skipped.
    if (run === null || newRun === null) return { missed: run === null ? missed : [...missed, run], run: null, cursor };
    return { missed, run: { fireAt: run, newRun }, cursor };
  }

  async #newRun(schedule: ScheduleRecord, fireAt: number) {
    const task = await this.#store.taskManager.tasks.get(schedule.taskId);
    if (!task) return null;
    const approved = schedule.approval.approvalsRequired > 0;
    return buildRun(this.#store, task, {
      origin: 'scheduled',
      scheduleId: schedule.id,
      fireAt,
      requesterId: null,
      requesterName: SCHEDULER_REQUESTER,
      reasonId: schedule.reasonId,
      justification: schedule.justification,
      governanceCode: schedule.governanceCode,
      // The schedule's approval covers its runs: they are released at once.
      approval: { ...schedule.approval, state: approved ? 'approved' : 'not_required', approvers: [], expiresAt: null },
    });
  }
}
