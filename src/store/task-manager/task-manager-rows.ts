import type { Selectable } from 'kysely';
import type {
  AccessGroupsTable,
  ApprovalAnswersTable,
  ReasonsTable,
  RunsTable,
  ScheduleFiresTable,
  SchedulesTable,
  TasksTable,
} from '../task-manager-tables.js';
import type {
  AccessCriteria,
  AccessGroupRecord,
  AccessRules,
  ApprovalAnswer,
  ApprovalRecord,
  ApprovalState,
  ApprovalTerms,
  CredentialChoice,
  FireOutcome,
  FireRecord,
  ReasonRecord,
  ReasonType,
  RunOrigin,
  RunRecord,
  ScheduleRecord,
  ScheduleRuleData,
  TaskRecord,
} from '../task-manager-store.js';

/** Rows ↔ records for the Task Manager tables. JSON columns are parsed here and nowhere else. */

const json = <T>(text: string): T => JSON.parse(text) as T;
const frozenList = (text: string): readonly string[] => Object.freeze(json<string[]>(text));

export function toReason(row: Selectable<ReasonsTable>): ReasonRecord {
  return Object.freeze({
    id: row.id,
    name: row.name,
    type: row.type as ReasonType,
    // 0/1 on SQLite, a boolean on PostgreSQL.
    enabled: Boolean(row.enabled),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

export function credentialColumns(choice: CredentialChoice): Pick<TasksTable, 'credential_kind' | 'credential_id' | 'credential_username'> {
  return choice.kind === 'credential'
    ? { credential_kind: 'credential', credential_id: choice.credentialId, credential_username: null }
    : { credential_kind: 'username', credential_id: null, credential_username: choice.username };
}

function toCredentialChoice(row: Selectable<TasksTable>): CredentialChoice {
  return row.credential_kind === 'credential'
    ? Object.freeze({ kind: 'credential', credentialId: row.credential_id ?? '' })
    : Object.freeze({ kind: 'username', username: row.credential_username ?? '' });
}

export function toTask(row: Selectable<TasksTable>, deviceIds: readonly string[]): TaskRecord {
  return Object.freeze({
    id: row.id,
    name: row.name,
    environment: row.environment,
    system: row.system,
    tags: frozenList(row.tags),
    templateId: row.template_id,
    templateVersion: row.template_version,
    variables: Object.freeze(json<Record<string, string>>(row.variables)),
    credential: toCredentialChoice(row),
    deviceIds: Object.freeze([...deviceIds]),
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

export function toAccessGroup(row: Selectable<AccessGroupsTable>): AccessGroupRecord {
  const criteria = json<AccessCriteria>(row.criteria);
  return Object.freeze({
    id: row.id,
    name: row.name,
    users: frozenList(row.users),
    approvers: frozenList(row.approvers),
    criteria: Object.freeze({
      environments: Object.freeze([...criteria.environments]),
      systems: Object.freeze([...criteria.systems]),
      deviceIds: Object.freeze([...criteria.deviceIds]),
    }),
    rules: Object.freeze(json<AccessRules>(row.rules)),
    enabled: Boolean(row.enabled),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

type ApprovalColumns = Pick<RunsTable, 'approval_state' | 'approvals_required' | 'rejections_to_deny' | 'approvers' | 'approval_expires_at' | 'binding_hash'>;

export function approvalColumns(terms: ApprovalTerms): ApprovalColumns {
  return {
    approval_state: terms.state,
    approvals_required: terms.approvalsRequired,
    rejections_to_deny: terms.rejectionsToDeny,
    approvers: JSON.stringify(terms.approvers),
    approval_expires_at: terms.expiresAt,
    binding_hash: terms.bindingHash,
  };
}

function toTerms(row: ApprovalColumns): ApprovalTerms {
  return Object.freeze({
    state: row.approval_state as ApprovalState,
    approvalsRequired: row.approvals_required,
    rejectionsToDeny: row.rejections_to_deny,
    approvers: frozenList(row.approvers),
    expiresAt: row.approval_expires_at,
    bindingHash: row.binding_hash,
  });
}

export function toRun(row: Selectable<RunsTable>): RunRecord {
  return Object.freeze({
    id: row.id,
    taskId: row.task_id,
    origin: row.origin as RunOrigin,
    scheduleId: row.schedule_id,
    fireAt: row.fire_at,
    requesterId: row.requester_id,
    requesterName: row.requester_name,
    reasonId: row.reason_id,
    justification: row.justification,
    governanceCode: row.governance_code,
    templateId: row.template_id,
    templateVersion: row.template_version,
    approval: toTerms(row),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    decidedAt: row.decided_at,
  });
}

export function toSchedule(row: Selectable<SchedulesTable>): ScheduleRecord {
  return Object.freeze({
    id: row.id,
    taskId: row.task_id,
    rule: Object.freeze(json<ScheduleRuleData>(row.rule)),
    graceMs: row.grace_ms,
    requesterId: row.requester_id,
    requesterName: row.requester_name,
    reasonId: row.reason_id,
    justification: row.justification,
    governanceCode: row.governance_code,
    approval: toTerms(row),
    startsAt: row.starts_at,
    lastFireAt: row.last_fire_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

export function toApproval(row: Selectable<ApprovalAnswersTable>): ApprovalRecord {
  return Object.freeze({
    approverId: row.approver_id,
    approverName: row.approver_name,
    answer: row.answer as ApprovalAnswer,
    justification: row.justification,
    decidedAt: row.decided_at,
  });
}

export function toFire(row: Selectable<ScheduleFiresTable>): FireRecord {
  return Object.freeze({
    scheduleId: row.schedule_id,
    fireAt: row.fire_at,
    outcome: row.outcome as FireOutcome,
    runId: row.run_id,
    recordedAt: row.recorded_at,
  });
}
