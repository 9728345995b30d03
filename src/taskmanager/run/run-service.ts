import { OstiaryError } from '../../domain/index.js';
import type { Operation } from '../../domain/index.js';
import type { Page, PageOf, Store } from '../../store/store.js';
import type { ApprovalTerms, RunFilter, RunRecord, TaskRecord } from '../../store/task-manager-store.js';
import type { EffectiveAccess } from '../access/effective-access.js';
import { resolveAccess } from '../access/effective-access.js';
import { assertApprovable } from '../approval/approval-tally.js';
import { bindingOf } from '../task/task-service.js';
import type { Actor, TaskManagerDeps } from '../task-manager-deps.js';
import { parseAnswerInput, judgeAnswer } from '../approval/answer-input.js';
import { buildRun } from './run-builder.js';
import { assertRunRequest, parseRunRequest, type RunRequest } from './run-request.js';
import { runProgress, runTotals, type RunProgress, type RunTotals } from './run-totals.js';

/** A run with the figures computed from its operations. */
export interface RunView {
  readonly run: RunRecord;
  readonly totals: RunTotals;
  readonly progress: RunProgress;
}

/** Running tasks, answering approvals, the approver's inbox, expiry. */
export class RunService {
  readonly #store: Store;
  readonly #clock: () => number;

  constructor(deps: TaskManagerDeps) {
    this.#store = deps.store;
    this.#clock = deps.clock ?? Date.now;
  }

  /**
   * Runs a task now, for a requester an access group allows, with what its rules require.
   * Operations wait for approval when the rules ask for it.
   */
  async run(taskId: string, requester: Actor, input: unknown): Promise<{ run: RunView; operations: readonly Operation[] }> {
    const task = await this.#task(taskId);
    const request = parseRunRequest(input);
    const access = await this.#access(task, requester);
    await this.#checkRequest(request, access);
    const approval = approvalTerms(access, task, this.#clock());
    const newRun = await buildRun(this.#store, task, {
      origin: 'punctual', scheduleId: null, fireAt: null, requesterId: requester.id, requesterName: requester.name, ...request, approval,
    });
    const created = await this.#store.taskManager.runs.create(newRun);
    return { run: await this.view(created.run), operations: created.operations };
  }

  /** One approver's answer; N approvals release the operations, M rejections cancel them. */
  async answer(runId: string, approver: Actor, input: unknown): Promise<RunView> {
    const answer = parseAnswerInput(input);
    const run = await this.#store.taskManager.runs.answer(runId, approver, ({ subject, approvals, task, now }) =>
      judgeAnswer({ requesterId: subject.requesterId ?? '', terms: subject.approval, approvals, currentBindingHash: bindingOf(task.id, task), approverId: approver.id, now, answer }));
    return this.view(run);
  }

  /** Runs waiting for this approver's answer. */
  async inbox(approverId: string): Promise<readonly RunView[]> {
    return this.#views(await this.#store.taskManager.runs.inbox(approverId));
  }

  async get(runId: string): Promise<RunView> {
    const run = await this.#store.taskManager.runs.get(runId);
    if (!run) throw new OstiaryError('OST_NOT_FOUND', `run ${runId} does not exist`, { details: { id: runId } });
    return this.view(run);
  }

  async list(filter?: RunFilter, page?: Page): Promise<PageOf<RunView>> {
    const result = await this.#store.taskManager.runs.list(filter, page);
    return Object.freeze({ items: await this.#views(result.items), next: result.next });
  }

  /** Waiting runs past their lifetime: their operations become `expired`. */
  expireDue(now: number = this.#clock()): Promise<readonly string[]> {
    return this.#store.taskManager.runs.expireDue(now, 'task-manager:approval-expiry');
  }

  async view(run: RunRecord): Promise<RunView> {
    const [view] = await this.#views([run]);
    return view as RunView;
  }

  async #views(runs: readonly RunRecord[]): Promise<readonly RunView[]> {
    const counts = await this.#store.taskManager.runs.statusCounts(runs.map((run) => run.id));
    return Object.freeze(runs.map((run) => {
      const byStatus = counts.get(run.id) ?? {};
      return Object.freeze({ run, totals: runTotals(byStatus), progress: runProgress(byStatus) });
    }));
  }

  async #task(taskId: string): Promise<TaskRecord> {
    const task = await this.#store.taskManager.tasks.get(taskId);
    if (!task) throw new OstiaryError('OST_NOT_FOUND', `task ${taskId} does not exist`, { details: { id: taskId } });
    return task;
  }

  async #access(task: TaskRecord, requester: Actor): Promise<EffectiveAccess> {
    const groups = await this.#store.taskManager.accessGroups.list();
    return resolveAccess(groups, requester.id, task);
  }

  async #checkRequest(request: RunRequest, access: EffectiveAccess): Promise<void> {
    const reason = request.reasonId === null ? null : await this.#store.taskManager.reasons.get(request.reasonId);
    assertRunRequest(request, access.rules, reason);
  }
}

/** What the run must obtain under the resolved rules, bound to the task as it is now. */
export function approvalTerms(access: EffectiveAccess, task: TaskRecord, now: number, lifetime: 'expires' | 'never' = 'expires'): ApprovalTerms {
  const { rules } = access;
  const needed = rules.approvalsRequired > 0;
  if (needed) assertApprovable(rules.approvalsRequired, access.approvers);
  return Object.freeze({
    state: needed ? 'waiting_approval' : 'not_required',
    approvalsRequired: rules.approvalsRequired,
    rejectionsToDeny: rules.rejectionsToDeny,
    approvers: needed ? access.approvers : Object.freeze([]),
    expiresAt: needed && lifetime === 'expires' ? now + rules.approvalLifetimeMs : null,
    bindingHash: bindingOf(task.id, task),
  });
}
