import type { ColumnType } from 'kysely';

/** Row shapes of migration 0003's tables (see database.ts for the conventions). */
type Flag = ColumnType<number | boolean, number, number>;

export interface ReasonsTable {
  id: string;
  name: string;
  type: string;
  enabled: Flag;
  created_at: number;
  updated_at: number;
}

export interface TasksTable {
  id: string;
  name: string;
  environment: string | null;
  system: string | null;
  /** JSON array of strings. */
  tags: string;
  template_id: string;
  template_version: number;
  /** JSON object, upper-case names. */
  variables: string;
  /** `credential` or `username`. */
  credential_kind: string;
  credential_id: string | null;
  credential_username: string | null;
  created_by: string;
  created_at: number;
  updated_at: number;
}

export interface TaskDevicesTable {
  task_id: string;
  device_id: string;
  position: number;
}

export interface AccessGroupsTable {
  id: string;
  name: string;
  /** JSON arrays of user ids. */
  users: string;
  approvers: string;
  /** JSON AccessCriteria. */
  criteria: string;
  /** JSON AccessRules. */
  rules: string;
  enabled: Flag;
  created_at: number;
  updated_at: number;
}

/** Columns a run and a schedule share for their approval. */
interface ApprovalColumns {
  approval_state: string;
  approvals_required: number;
  rejections_to_deny: number;
  /** JSON array of user ids. */
  approvers: string;
  approval_expires_at: number | null;
  binding_hash: string;
}

export interface RunsTable extends ApprovalColumns {
  id: string;
  task_id: string;
  origin: string;
  schedule_id: string | null;
  fire_at: number | null;
  requester_id: string | null;
  requester_name: string;
  reason_id: string | null;
  justification: string | null;
  governance_code: string | null;
  template_id: string;
  template_version: number;
  created_at: number;
  updated_at: number;
  decided_at: number | null;
}

export interface SchedulesTable extends ApprovalColumns {
  id: string;
  task_id: string;
  /** JSON ScheduleRuleData. */
  rule: string;
  grace_ms: number;
  requester_id: string;
  requester_name: string;
  reason_id: string | null;
  justification: string | null;
  governance_code: string | null;
  starts_at: number | null;
  last_fire_at: number | null;
  created_at: number;
  updated_at: number;
}

/** Who may answer a run or schedule: one row per approver, for the inbox. */
export interface ApprovalApproversTable {
  /** `run` or `schedule`. */
  subject_type: string;
  subject_id: string;
  user_id: string;
}

export interface ApprovalAnswersTable {
  subject_type: string;
  subject_id: string;
  approver_id: string;
  approver_name: string;
  answer: string;
  justification: string;
  decided_at: number;
}

export interface ScheduleFiresTable {
  schedule_id: string;
  fire_at: number;
  outcome: string;
  run_id: string | null;
  recorded_at: number;
}
