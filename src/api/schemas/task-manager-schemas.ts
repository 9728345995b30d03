import { z } from 'zod';
import { OPERATION_STATUSES } from '../../domain/index.js';
import type { Attempt } from '../../domain/index.js';
import type {
  AccessGroupRecord,
  ApprovalRecord,
  ApprovalTerms,
  FireRecord,
  ReasonRecord,
  ScheduleRecord,
  TaskRecord,
  UserTaskUsage,
} from '../../store/task-manager-store.js';
import type { DashboardReport, OperationReportRow, RunView } from '../../taskmanager/index.js';
import { dateFilter, iso, isoOrNull, label, timestamp } from './common-schemas.js';
import { attemptView, operationView, toAttemptView, toOperationView } from './operation-schemas.js';

/*
 * Bodies are described here for the OpenAPI document and checked for shape; the Task
 * Manager's services then validate them against the template, the access rules and the
 * registry, with errors that name the field.
 */

const optionalText = (max: number) => z.string().trim().max(max).nullable().optional();
const ids = z.array(z.uuid()).max(10_000);

export const reasonInput = z.strictObject({
  name: label(),
  type: z.enum(['task_execution', 'file_download', 'all']),
  enabled: z.boolean().optional().describe('Default true.'),
});
export const reasonChanges = reasonInput.partial();

const credentialChoice = z.union([
  z.strictObject({ kind: z.literal('credential'), credentialId: z.uuid() }).describe('One registered credential for every device.'),
  z.strictObject({ kind: z.literal('username'), username: label() }).describe('The credential with this username on each device.'),
]);

export const taskInput = z.strictObject({
  name: label(),
  environment: optionalText(100),
  system: optionalText(100),
  tags: z.array(label(60)).max(50).optional(),
  templateId: z.uuid().describe('A template of type task.'),
  templateVersion: z.number().int().min(1).nullable().optional().describe('Default: the latest, pinned now.'),
  variables: z.record(z.string(), z.string().max(4096)).optional().describe('Values for the template\'s task masks; names case-insensitive.'),
  credential: credentialChoice,
  deviceIds: ids.min(1),
});
export const taskChanges = taskInput.partial();
export const deviceListInput = z.strictObject({ deviceIds: ids.min(1) });

const rulesInput = z.strictObject({
  reasonRequired: z.boolean().optional(),
  justificationRequired: z.boolean().optional(),
  governanceCodeRequired: z.boolean().optional(),
  approvalsRequired: z.number().int().min(0).max(100).optional(),
  rejectionsToDeny: z.number().int().min(1).max(100).optional(),
  approvalLifetimeMs: z.number().int().min(60_000).optional(),
});

export const accessGroupInput = z.strictObject({
  name: label(),
  users: ids.optional().describe('User ids who may run the tasks the criteria select.'),
  approvers: ids.optional().describe('User ids who may approve or reject.'),
  criteria: z.strictObject({ environments: z.array(label(100)).optional(), systems: z.array(label(100)).optional(), deviceIds: ids.optional() }).optional(),
  rules: rulesInput.optional(),
  enabled: z.boolean().optional(),
});

export const runInput = z.strictObject({
  reasonId: z.uuid().nullable().optional(),
  justification: optionalText(4000),
  governanceCode: optionalText(200),
}).nullish();

export const answerInput = z.strictObject({
  answer: z.enum(['approve', 'reject']),
  justification: z.string().trim().min(1).max(4000).describe('The approver\'s own justification.'),
});

const scheduleRule = z.union([
  z.strictObject({
    kind: z.literal('weekly'),
    weekdays: z.array(z.number().int().min(1).max(7)).min(1).describe('1 = Monday … 7 = Sunday.'),
    hours: z.array(z.number().int().min(0).max(23)).min(1),
    minute: z.number().int().min(0).max(59).optional(),
    minIntervalHours: z.number().min(0).optional(),
    timeZone: z.string().min(1).max(100).describe('IANA time zone, e.g. Europe/Berlin.'),
  }),
  z.strictObject({ kind: z.literal('cron'), expression: z.string().min(1).max(200), timeZone: z.string().min(1).max(100) }),
]);

export const scheduleInput = z.strictObject({
  rule: scheduleRule,
  graceMs: z.number().int().min(0).optional().describe('How late a missed fire may still run. Default 1 h.'),
  reasonId: z.uuid().nullable().optional(),
  justification: optionalText(4000),
  governanceCode: optionalText(200),
});

export const previewInput = z.strictObject({
  rule: scheduleRule,
  from: z.iso.datetime({ offset: true }).optional().describe('Default now.'),
  count: z.number().int().min(1).max(500).optional().describe('Default 10.'),
});

const statusList = z.string().max(200)
  .transform((value) => value.split(',').map((entry) => entry.trim()).filter(Boolean))
  .pipe(z.array(z.enum(OPERATION_STATUSES)).min(1));

export const taskOperationQuery = z.strictObject({
  taskId: z.uuid().optional(),
  runId: z.uuid().optional(),
  status: statusList.optional().describe('Comma-separated statuses.'),
  deviceId: z.uuid().optional(),
  from: dateFilter.optional(),
  to: dateFilter.optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  after: z.string().min(1).max(512).optional(),
});

export const runQuery = z.strictObject({
  taskId: z.uuid().optional(),
  scheduleId: z.uuid().optional(),
  origin: z.enum(['punctual', 'scheduled']).optional(),
  from: dateFilter.optional(),
  to: dateFilter.optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  after: z.string().min(1).max(512).optional(),
});

export const dashboardQuery = z.strictObject({ from: dateFilter, to: dateFilter, top: z.coerce.number().int().min(1).max(100).optional() });
export const taskQuery = z.strictObject({
  environment: z.string().max(100).optional(),
  system: z.string().max(100).optional(),
  tag: z.string().max(60).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  after: z.string().min(1).max(512).optional(),
});

export const reasonView = z.object({ id: z.uuid(), name: z.string(), type: z.string(), enabled: z.boolean(), createdAt: timestamp, updatedAt: timestamp }).meta({ id: 'Reason' });
export function toReasonView(reason: ReasonRecord): z.infer<typeof reasonView> {
  return { ...reason, createdAt: iso(reason.createdAt), updatedAt: iso(reason.updatedAt) };
}

export const taskView = z.object({
  id: z.uuid(), name: z.string(), environment: z.string().nullable(), system: z.string().nullable(), tags: z.array(z.string()),
  templateId: z.string(), templateVersion: z.number().int(), variables: z.record(z.string(), z.string()),
  credential: z.object({ kind: z.enum(['credential', 'username']), credentialId: z.string().optional(), username: z.string().optional() }),
  deviceIds: z.array(z.string()), createdBy: z.string(), createdAt: timestamp, updatedAt: timestamp,
}).meta({ id: 'Task' });
export function toTaskView(task: TaskRecord): z.infer<typeof taskView> {
  return { ...task, tags: [...task.tags], variables: { ...task.variables }, credential: { ...task.credential }, deviceIds: [...task.deviceIds], createdAt: iso(task.createdAt), updatedAt: iso(task.updatedAt) };
}

export const taskUpdateView = z.object({ task: taskView, voidedRunIds: z.array(z.string()), reapprovalScheduleIds: z.array(z.string()) });

export const accessGroupView = z.object({
  id: z.uuid(), name: z.string(), users: z.array(z.string()), approvers: z.array(z.string()),
  criteria: z.object({ environments: z.array(z.string()), systems: z.array(z.string()), deviceIds: z.array(z.string()) }),
  rules: z.object({
    reasonRequired: z.boolean(), justificationRequired: z.boolean(), governanceCodeRequired: z.boolean(),
    approvalsRequired: z.number().int(), rejectionsToDeny: z.number().int(), approvalLifetimeMs: z.number().int(),
  }),
  enabled: z.boolean(), createdAt: timestamp, updatedAt: timestamp,
}).meta({ id: 'AccessGroup' });
export function toAccessGroupView(group: AccessGroupRecord): z.infer<typeof accessGroupView> {
  const { criteria } = group;
  return {
    ...group, users: [...group.users], approvers: [...group.approvers], rules: { ...group.rules },
    criteria: { environments: [...criteria.environments], systems: [...criteria.systems], deviceIds: [...criteria.deviceIds] },
    createdAt: iso(group.createdAt), updatedAt: iso(group.updatedAt),
  };
}

const approvalTermsView = z.object({
  state: z.string(), approvalsRequired: z.number().int(), rejectionsToDeny: z.number().int(),
  approvers: z.array(z.string()), expiresAt: timestamp.nullable(),
});
function toTermsView(terms: ApprovalTerms): z.infer<typeof approvalTermsView> {
  return { state: terms.state, approvalsRequired: terms.approvalsRequired, rejectionsToDeny: terms.rejectionsToDeny, approvers: [...terms.approvers], expiresAt: isoOrNull(terms.expiresAt) };
}

const totalsView = z.object({ total: z.number().int(), processed: z.number().int(), errors: z.number().int(), succeeded: z.number().int(), byStatus: z.record(z.string(), z.number().int()) });

export const runView = z.object({
  id: z.uuid(), taskId: z.string(), origin: z.enum(['punctual', 'scheduled']), scheduleId: z.string().nullable(), fireAt: timestamp.nullable(),
  requesterId: z.string().nullable(), requesterName: z.string(), reasonId: z.string().nullable(),
  justification: z.string().nullable(), governanceCode: z.string().nullable(),
  templateId: z.string(), templateVersion: z.number().int(), bindingHash: z.string(), approval: approvalTermsView,
  totals: totalsView, progress: z.enum(['waiting_approval', 'scheduled', 'running', 'finished']),
  createdAt: timestamp, decidedAt: timestamp.nullable(),
}).meta({ id: 'Run' });
export function toRunView({ run, totals, progress }: RunView): z.infer<typeof runView> {
  return {
    id: run.id, taskId: run.taskId, origin: run.origin, scheduleId: run.scheduleId, fireAt: isoOrNull(run.fireAt),
    requesterId: run.requesterId, requesterName: run.requesterName, reasonId: run.reasonId,
    justification: run.justification, governanceCode: run.governanceCode,
    templateId: run.templateId, templateVersion: run.templateVersion, bindingHash: run.approval.bindingHash, approval: toTermsView(run.approval),
    totals: { ...totals, byStatus: { ...totals.byStatus } }, progress,
    createdAt: iso(run.createdAt), decidedAt: isoOrNull(run.decidedAt),
  };
}
export const runCreatedView = z.object({ run: runView, operations: z.array(operationView) });

export const approvalView = z.object({ approverId: z.string(), approverName: z.string(), answer: z.enum(['approve', 'reject']), justification: z.string(), decidedAt: timestamp });
export function toApprovalView(approval: ApprovalRecord): z.infer<typeof approvalView> {
  return { ...approval, decidedAt: iso(approval.decidedAt) };
}

export const scheduleView = z.object({
  id: z.uuid(), taskId: z.string(), rule: z.record(z.string(), z.unknown()), graceMs: z.number().int(),
  requesterId: z.string(), requesterName: z.string(), reasonId: z.string().nullable(), justification: z.string().nullable(), governanceCode: z.string().nullable(),
  approval: approvalTermsView, startsAt: timestamp.nullable(), lastFireAt: timestamp.nullable(), createdAt: timestamp,
  nextFires: z.array(timestamp).optional(),
}).meta({ id: 'Schedule' });
export function toScheduleView(schedule: ScheduleRecord, nextFires?: readonly number[]): z.infer<typeof scheduleView> {
  return {
    id: schedule.id, taskId: schedule.taskId, rule: { ...schedule.rule }, graceMs: schedule.graceMs,
    requesterId: schedule.requesterId, requesterName: schedule.requesterName, reasonId: schedule.reasonId,
    justification: schedule.justification, governanceCode: schedule.governanceCode, approval: toTermsView(schedule.approval),
    startsAt: isoOrNull(schedule.startsAt), lastFireAt: isoOrNull(schedule.lastFireAt), createdAt: iso(schedule.createdAt),
    ...(nextFires ? { nextFires: nextFires.map(iso) } : {}),
  };
}

export const fireView = z.object({ fireAt: timestamp, outcome: z.enum(['run', 'missed']), runId: z.string().nullable(), recordedAt: timestamp });
export function toFireView(fire: FireRecord): z.infer<typeof fireView> {
  return { fireAt: iso(fire.fireAt), outcome: fire.outcome, runId: fire.runId, recordedAt: iso(fire.recordedAt) };
}

export const taskOperationView = z.object({ operation: operationView, taskId: z.string(), taskName: z.string(), deviceName: z.string().nullable(), statusLabel: z.string(), colour: z.string() });
export function toTaskOperationView(row: OperationReportRow): z.infer<typeof taskOperationView> {
  return { operation: toOperationView(row.operation), taskId: row.taskId, taskName: row.taskName, deviceName: row.deviceName, statusLabel: row.statusLabel, colour: row.colour };
}

export const usageView = z.object({ taskId: z.string(), taskName: z.string(), requesterName: z.string(), runs: z.number().int(), lastRunAt: timestamp });
export function toUsageView(usage: UserTaskUsage): z.infer<typeof usageView> {
  return { ...usage, lastRunAt: iso(usage.lastRunAt) };
}

const countByView = z.object({ key: z.string().nullable(), label: z.string().nullable(), count: z.number().int() });
export const dashboardView = z.object({
  from: timestamp, to: timestamp, successes: z.number().int(), errors: z.number().int(),
  byStatus: z.record(z.string(), z.number().int()), byEnvironment: z.array(countByView), bySystem: z.array(countByView),
  byOrigin: z.record(z.string(), z.number().int()), topTasks: z.array(countByView), topDevices: z.array(countByView),
});
export function toDashboardView(report: DashboardReport): z.infer<typeof dashboardView> {
  return {
    from: iso(report.from), to: iso(report.to), successes: report.successes, errors: report.errors,
    byStatus: { ...report.byStatus }, byOrigin: { ...report.byOrigin },
    byEnvironment: report.byEnvironment.map((row) => ({ ...row })), bySystem: report.bySystem.map((row) => ({ ...row })),
    topTasks: report.topTasks.map((row) => ({ ...row })), topDevices: report.topDevices.map((row) => ({ ...row })),
  };
}

export const previewView = z.object({ fireTimes: z.array(timestamp) });

export const accessGroupChanges = z.strictObject({
  name: label().optional(),
  users: ids.optional(),
  approvers: ids.optional(),
  criteria: z.strictObject({ environments: z.array(label(100)).optional(), systems: z.array(label(100)).optional(), deviceIds: ids.optional() }).optional().describe('The lists given replace theirs.'),
  rules: rulesInput.optional().describe('The rules given replace theirs.'),
  enabled: z.boolean().optional(),
});

export const taskFieldsQuery = z.strictObject({ version: z.coerce.number().int().min(1).max(1_000_000).optional().describe('Default: the latest.') });
export const taskFieldsView = z.object({
  templateId: z.string(), version: z.number().int(), type: z.string(), executor: z.string(),
  declarations: z.array(z.object({ name: z.string(), pattern: z.string(), label: z.string() })).describe('`#@var` declarations: each value must match its pattern.'),
  masks: z.array(z.string()).describe('Every mask the template uses, built-in ones included.'),
  variables: z.array(z.string()).describe('The masks a task fills with variables (or a credential field).'),
});

export const runDetailView = z.object({ run: runView, approvals: z.array(approvalView) });
export const runOperationQuery = z.strictObject({
  status: statusList.optional().describe('Comma-separated statuses.'),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  after: z.string().min(1).max(512).optional(),
});
export const inboxView = z.object({ items: z.array(runView).describe('Runs waiting for my answer.'), schedules: z.array(scheduleView).describe('Schedules waiting for my answer.') });

const approvalStateList = z.string().max(200)
  .transform((value) => value.split(',').map((entry) => entry.trim()).filter(Boolean))
  .pipe(z.array(z.enum(['not_required', 'waiting_approval', 'approved', 'rejected', 'expired', 'voided', 'cancelled'])).min(1));
export const scheduleListQuery = z.strictObject({ taskId: z.uuid().optional(), state: approvalStateList.optional().describe('Comma-separated approval states.') });
export const scheduleDetailQuery = z.strictObject({ next: z.coerce.number().int().min(1).max(500).optional().describe('How many next fire times. Default 5.') });
export const scheduleDetailView = z.object({ schedule: scheduleView, approvals: z.array(approvalView), fires: z.array(fireView).describe('The latest 20 fires, run or missed.') });

export const usageQuery = z.strictObject({ taskId: z.uuid().optional() });

/** One attempt of a task operation with its log (the redacted transcript). */
export const taskAttemptView = attemptView.extend({ transcript: z.string().describe('Redacted: no secret ever appears in it.') });
export function toTaskAttemptView(attempt: Attempt): z.infer<typeof taskAttemptView> {
  return { ...toAttemptView(attempt), transcript: attempt.transcript };
}
