import type { NewOperation, Operation, OperationStatus } from '../domain/index.js';

/**
 * The store's side of the Task Manager (DESIGN §6, migration 0003): reasons, tasks and
 * their devices, access groups, runs with their approvals, schedules and their fires, and
 * the report queries. Rules (who may run, how approvals count, when a schedule fires) live
 * in `src/taskmanager`; the store keeps the records and makes each change one transaction.
 *
 * Glossary: a *run* fans out into one operation per device (`operations.run_id`); an
 * *approval* is one approver's answer on a run or a schedule; a *fire* is one (schedule,
 * time) the scheduler handled — run or missed — recorded once, whatever the number of nodes.
 */

// `Page` and `PageOf` repeated from store.ts, which imports this file.
interface Page {
  readonly limit?: number;
  readonly after?: string;
}

interface PageOf<T> {
  readonly items: readonly T[];
  readonly next: string | null;
}

export type ReasonType = 'task_execution' | 'file_download' | 'all';

export interface ReasonRecord {
  readonly id: string;
  readonly name: string;
  readonly type: ReasonType;
  readonly enabled: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface NewReason {
  readonly name: string;
  readonly type: ReasonType;
  readonly enabled: boolean;
}

export interface ReasonRepository {
  /** Throws `OST_CONFLICT` (field `reason.name`) when the name is taken. */
  create(reason: NewReason): Promise<ReasonRecord>;
  get(id: string): Promise<ReasonRecord | null>;
  /** By name. */
  list(): Promise<readonly ReasonRecord[]>;
  update(id: string, changes: Partial<NewReason>): Promise<ReasonRecord>;
}

/** One registered credential for every device, or a username looked up on each device. */
export type CredentialChoice =
  | { readonly kind: 'credential'; readonly credentialId: string }
  | { readonly kind: 'username'; readonly username: string };

export interface TaskRecord {
  readonly id: string;
  readonly name: string;
  readonly environment: string | null;
  readonly system: string | null;
  readonly tags: readonly string[];
  readonly templateId: string;
  readonly templateVersion: number;
  /** Upper-case names, values already validated against the template. */
  readonly variables: Readonly<Record<string, string>>;
  readonly credential: CredentialChoice;
  /** In the order they were added. */
  readonly deviceIds: readonly string[];
  readonly createdBy: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export type NewTask = Omit<TaskRecord, 'id' | 'createdAt' | 'updatedAt'>;
/** Everything but the creator may change. */
export type TaskFields = Omit<NewTask, 'createdBy'>;

export interface TaskFilter {
  readonly environment?: string;
  readonly system?: string;
  readonly tag?: string;
}

/** What editing a task did to approvals bound to its old form. */
export interface TaskUpdate {
  readonly task: TaskRecord;
  /** Runs whose pending approval was voided (their waiting operations cancelled). */
  readonly voidedRunIds: readonly string[];
  /** Schedules sent back to `waiting_approval`, their earlier answers dropped. */
  readonly reapprovalScheduleIds: readonly string[];
}

export interface TaskRepository {
  /** Throws `OST_CONFLICT` (field `task.name`) when the name is taken, `OST_NOT_FOUND` naming a missing device or template. */
  create(task: NewTask): Promise<TaskRecord>;
  get(id: string): Promise<TaskRecord | null>;
  list(filter?: TaskFilter, page?: Page): Promise<PageOf<TaskRecord>>;
  /**
   * Replaces the task's fields and, in the same transaction, voids every pending approval
   * bound to another hash than `bindingHash` (the new form's): waiting runs become `voided`
   * with their operations `cancelled`; schedules that need approval go back to waiting.
   */
  update(id: string, fields: TaskFields, bindingHash: string, actor: string): Promise<TaskUpdate>;
  /** Throws `OST_CONFLICT` when the task has runs or schedules. */
  delete(id: string): Promise<void>;
}

export interface AccessCriteria {
  readonly environments: readonly string[];
  readonly systems: readonly string[];
  readonly deviceIds: readonly string[];
}

export interface AccessRules {
  readonly reasonRequired: boolean;
  readonly justificationRequired: boolean;
  readonly governanceCodeRequired: boolean;
  readonly approvalsRequired: number;
  readonly rejectionsToDeny: number;
  readonly approvalLifetimeMs: number;
}

export interface AccessGroupRecord {
  readonly id: string;
  readonly name: string;
  readonly users: readonly string[];
  readonly approvers: readonly string[];
  readonly criteria: AccessCriteria;
  readonly rules: AccessRules;
  readonly enabled: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export type NewAccessGroup = Omit<AccessGroupRecord, 'id' | 'createdAt' | 'updatedAt'>;

export interface AccessGroupRepository {
  create(group: NewAccessGroup): Promise<AccessGroupRecord>;
  get(id: string): Promise<AccessGroupRecord | null>;
  /** Every group, by name: resolution needs them all, and there are few. */
  list(): Promise<readonly AccessGroupRecord[]>;
  update(id: string, group: NewAccessGroup): Promise<AccessGroupRecord>;
  delete(id: string): Promise<void>;
}

/** Where a run's or schedule's approval stands. */
export type ApprovalState = 'not_required' | 'waiting_approval' | 'approved' | 'rejected' | 'expired' | 'voided' | 'cancelled';
export type ApprovalAnswer = 'approve' | 'reject';

export interface ApprovalRecord {
  readonly approverId: string;
  readonly approverName: string;
  readonly answer: ApprovalAnswer;
  readonly justification: string;
  readonly decidedAt: number;
}

/** What a run or schedule must obtain, fixed when it is requested. */
export interface ApprovalTerms {
  readonly state: ApprovalState;
  readonly approvalsRequired: number;
  readonly rejectionsToDeny: number;
  /** User ids that may answer; never the requester. */
  readonly approvers: readonly string[];
  /** `null`: never expires. */
  readonly expiresAt: number | null;
  readonly bindingHash: string;
}

export type RunOrigin = 'punctual' | 'scheduled';

export interface RunRecord {
  readonly id: string;
  readonly taskId: string;
  readonly origin: RunOrigin;
  readonly scheduleId: string | null;
  /** The schedule fire this run answers. */
  readonly fireAt: number | null;
  /** `null` for the scheduler. */
  readonly requesterId: string | null;
  readonly requesterName: string;
  readonly reasonId: string | null;
  readonly justification: string | null;
  readonly governanceCode: string | null;
  readonly templateId: string;
  readonly templateVersion: number;
  readonly approval: ApprovalTerms;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** When the approval was decided, expired or voided. */
  readonly decidedAt: number | null;
}

export type NewRunRecord = Omit<RunRecord, 'id' | 'createdAt' | 'updatedAt' | 'decidedAt'>;

/** A device the run could not even start on (e.g. the username lookup found nothing). */
export interface FailedDevice {
  readonly deviceId: string;
  readonly errorCode: string;
  /** Says why, never holds a secret. */
  readonly message: string;
}

/** A run with its fan-out: one operation per device, submitted or already failed. */
export interface NewRun {
  readonly run: NewRunRecord;
  /** `runId` is filled in by the store. */
  readonly operations: readonly NewOperation[];
  /** Each becomes an operation created directly in `failed` (Error), so reports show it. */
  readonly failed: readonly FailedDevice[];
  /** Describes the operation the failed devices get (type, executor, template, requester). */
  readonly failedTemplate: Omit<NewOperation, 'deviceId' | 'credentialId' | 'status'>;
}

export interface RunFilter {
  readonly taskId?: string;
  readonly requesterId?: string;
  readonly scheduleId?: string;
  readonly origin?: RunOrigin;
  readonly approvalState?: readonly ApprovalState[];
  /** Inclusive. */
  readonly createdFrom?: number;
  /** Exclusive. */
  readonly createdTo?: number;
}

/** What the approval rules decided about one answer, computed inside the store's transaction. */
export interface AnswerVerdict {
  readonly answer: ApprovalAnswer;
  readonly justification: string;
  /** `approved` releases, `rejected` cancels, `waiting_approval` records the answer only. */
  readonly outcome: 'waiting_approval' | 'approved' | 'rejected';
}

/** What the rules see when judging an answer: the record, answers so far and the task as it is now. */
export interface AnswerContext<T> {
  readonly subject: T;
  readonly approvals: readonly ApprovalRecord[];
  readonly task: TaskRecord;
  readonly now: number;
}

export interface RunRepository {
  /** Inserts the run and its operations (waiting, scheduled or failed) in one transaction. */
  create(run: NewRun): Promise<{ run: RunRecord; operations: readonly Operation[] }>;
  get(id: string): Promise<RunRecord | null>;
  /** Newest first. */
  list(filter?: RunFilter, page?: Page): Promise<PageOf<RunRecord>>;
  approvals(runId: string): Promise<readonly ApprovalRecord[]>;
  /**
   * Records one approver's answer. `judge` runs inside the transaction, with the run locked
   * against other answers, and throws to refuse; `approved` releases the waiting operations
   * to `scheduled`, `rejected` cancels them.
   */
  answer(runId: string, approver: { id: string; name: string }, judge: (context: AnswerContext<RunRecord>) => AnswerVerdict): Promise<RunRecord>;
  /** Waiting runs whose approval lifetime ended by `now`: run `expired`, operations `expired`. */
  expireDue(now: number, actor: string): Promise<readonly string[]>;
  /** Operation counts by status for each run. */
  statusCounts(runIds: readonly string[]): Promise<ReadonlyMap<string, Readonly<Partial<Record<OperationStatus, number>>>>>;
  /** Runs waiting for this approver's answer (not yet given), oldest first. */
  inbox(approverId: string): Promise<readonly RunRecord[]>;
}

export type ScheduleRuleData =
  | {
    readonly kind: 'weekly';
    readonly weekdays: readonly number[];
    readonly hours: readonly number[];
    readonly minute: number;
    readonly minIntervalHours: number;
    readonly timeZone: string;
  }
  | { readonly kind: 'cron'; readonly expression: string; readonly timeZone: string };

export interface ScheduleRecord {
  readonly id: string;
  readonly taskId: string;
  readonly rule: ScheduleRuleData;
  /** How late a fire may still run. */
  readonly graceMs: number;
  readonly requesterId: string;
  readonly requesterName: string;
  readonly reasonId: string | null;
  readonly justification: string | null;
  readonly governanceCode: string | null;
  /** `waiting_approval`, `approved` (also when none was needed), `rejected` or `cancelled`. */
  readonly approval: ApprovalTerms;
  /** Fires are counted after this instant: when the schedule was approved. `null` until then. */
  readonly startsAt: number | null;
  /** The last fire handled (run or missed); the minimum interval counts from it. */
  readonly lastFireAt: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export type NewScheduleRecord = Omit<ScheduleRecord, 'id' | 'createdAt' | 'updatedAt' | 'lastFireAt' | 'startsAt'>;

export type FireOutcome = 'run' | 'missed';

export interface FireRecord {
  readonly scheduleId: string;
  readonly fireAt: number;
  readonly outcome: FireOutcome;
  readonly runId: string | null;
  readonly recordedAt: number;
}

/** What one scheduler pass decided for one schedule. */
export interface FirePlan {
  readonly missed: readonly number[];
  /** The fire to run and its run, built for that fire. */
  readonly run: { readonly fireAt: number; readonly newRun: NewRun } | null;
  /** The last fire handled: becomes `lastFireAt` unless a later one is already recorded. */
  readonly cursor: number;
}

export interface ScheduleRepository {
  create(schedule: NewScheduleRecord): Promise<ScheduleRecord>;
  get(id: string): Promise<ScheduleRecord | null>;
  list(filter?: { readonly taskId?: string; readonly state?: readonly ApprovalState[] }): Promise<readonly ScheduleRecord[]>;
  approvals(scheduleId: string): Promise<readonly ApprovalRecord[]>;
  /** As {@link RunRepository.answer}; `approved` sets `startsAt`. */
  answer(scheduleId: string, approver: { id: string; name: string }, judge: (context: AnswerContext<ScheduleRecord>) => AnswerVerdict): Promise<ScheduleRecord>;
  /** Any state but rejected → cancelled; no further fire. */
  cancel(id: string, actor: string): Promise<ScheduleRecord>;
  /**
   * Records a pass over one schedule in one transaction. Each fire is claimed through a
   * unique (schedule, fire time) row inserted with ON CONFLICT DO NOTHING: only the node
   * whose insert lands creates the run, so several nodes never run a fire twice.
   * Returns the run this call created, if any.
   */
  recordFires(scheduleId: string, plan: FirePlan): Promise<RunRecord | null>;
  /** Fires handled for a schedule, newest first. */
  fires(scheduleId: string, page?: Page): Promise<PageOf<FireRecord>>;
}

/** An operation as the Task Manager reports it. */
export interface TaskOperationRow {
  readonly operation: Operation;
  readonly taskId: string;
  readonly taskName: string;
  readonly deviceName: string | null;
}

export interface TaskOperationFilter {
  readonly taskId?: string;
  readonly runId?: string;
  readonly status?: readonly OperationStatus[];
  readonly deviceId?: string;
  readonly createdFrom?: number;
  readonly createdTo?: number;
}

export interface UserTaskUsage {
  readonly taskId: string;
  readonly taskName: string;
  readonly requesterName: string;
  readonly runs: number;
  readonly lastRunAt: number;
}

export interface CountBy {
  readonly key: string | null;
  readonly label: string | null;
  readonly count: number;
}

/** Dashboard figures over operations created in a range. */
export interface DashboardFigures {
  readonly byStatus: Readonly<Partial<Record<OperationStatus, number>>>;
  readonly byEnvironment: readonly CountBy[];
  readonly bySystem: readonly CountBy[];
  /** Runs by origin. */
  readonly byOrigin: Readonly<Partial<Record<RunOrigin, number>>>;
  /** Runs per task, most first. */
  readonly topTasks: readonly CountBy[];
  /** Operations per device, most first. */
  readonly topDevices: readonly CountBy[];
}

export interface TaskReportQueries {
  /** Operations of task runs, newest first, with their task and device names. */
  operations(filter?: TaskOperationFilter, page?: Page): Promise<PageOf<TaskOperationRow>>;
  /** Who ran which task, how often and when last. */
  usersByTask(taskId?: string): Promise<readonly UserTaskUsage[]>;
  /** `from` inclusive, `to` exclusive; `top` bounds the top lists. */
  dashboard(from: number, to: number, top: number): Promise<DashboardFigures>;
}

/** Everything the Task Manager keeps. */
export interface TaskManagerStore {
  readonly reasons: ReasonRepository;
  readonly tasks: TaskRepository;
  readonly accessGroups: AccessGroupRepository;
  readonly runs: RunRepository;
  readonly schedules: ScheduleRepository;
  readonly reports: TaskReportQueries;
}
