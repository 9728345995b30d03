import type { ColumnType, Generated } from 'kysely';
import type { SinkCursorsTable, SinkDeliveriesTable, SinksTable } from './sink-tables.js';
import type { ApiTokensTable, AuditEventsTable, AuditHeadTable, LoginFailuresTable, SessionsTable, UsersTable } from './access-tables.js';
import type { AccessGroupsTable, ApprovalAnswersTable, ApprovalApproversTable, ReasonsTable, RunsTable, ScheduleFiresTable, SchedulesTable, TaskDevicesTable, TasksTable } from './task-manager-tables.js';
import type { CredentialRotationTable, RotationProfilesTable, RotationsTable } from './rotation-tables.js';

/**
 * Row shapes of the tables as Kysely sees them. Times are epoch milliseconds (`bigint` on
 * PostgreSQL, parsed to numbers), JSON is text, and the one boolean is written as 0/1 so the
 * same statement works on SQLite (no boolean type) and PostgreSQL (which parses '1' as true).
 */
export interface Database {
  devices: DevicesTable;
  secrets: SecretsTable;
  secret_versions: SecretVersionsTable;
  credentials: CredentialsTable;
  credential_fields: CredentialFieldsTable;
  templates: TemplatesTable;
  template_versions: TemplateVersionsTable;
  operations: OperationsTable;
  attempts: AttemptsTable;
  outbox_events: OutboxEventsTable;
  sinks: SinksTable;
  sink_cursors: SinkCursorsTable;
  sink_deliveries: SinkDeliveriesTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  login_failures: LoginFailuresTable;
  audit_events: AuditEventsTable;
  audit_head: AuditHeadTable;
  reasons: ReasonsTable;
  tasks: TasksTable;
  task_devices: TaskDevicesTable;
  access_groups: AccessGroupsTable;
  runs: RunsTable;
  schedules: SchedulesTable;
  approval_approvers: ApprovalApproversTable;
  approval_answers: ApprovalAnswersTable;
  schedule_fires: ScheduleFiresTable;
  rotation_profiles: RotationProfilesTable;
  credential_rotation: CredentialRotationTable;
  rotations: RotationsTable;
}

export interface DevicesTable {
  id: string;
  name: string;
  address: string;
  port: number;
  type: string | null;
  vendor: string | null;
  model: string | null;
  site: string | null;
  /** JSON array of strings. */
  tags: string;
  host_key: string | null;
  created_at: number;
  updated_at: number;
}

export interface SecretsTable {
  id: string;
  created_at: number;
}

export interface SecretVersionsTable {
  secret_id: string;
  version: number;
  state: string;
  master_key_id: string;
  wrapped_key: Buffer;
  ciphertext: Buffer;
  operation_id: string | null;
  created_at: number;
}

export interface CredentialsTable {
  id: string;
  device_id: string;
  username: string;
  kind: string;
  secret_id: string;
  passphrase_secret_id: string | null;
  additional_info: string | null;
  domain: string | null;
  parent_id: string | null;
  reconcile_credential_id: string | null;
  sync_state: string;
  created_at: number;
  updated_at: number;
}

export interface CredentialFieldsTable {
  credential_id: string;
  name: string;
  value: string | null;
  secret_id: string | null;
  /** Keeps the order the fields were given in. */
  position: number;
}

export interface TemplatesTable {
  id: string;
  name: string;
  type: string;
  executor: string;
  latest_version: number;
  created_at: number;
  updated_at: number;
}

export interface TemplateVersionsTable {
  template_id: string;
  version: number;
  source: string;
  author: string;
  created_at: number;
}

export interface OperationsTable {
  id: string;
  type: string;
  executor: string;
  template_id: string;
  template_version: number;
  device_id: string | null;
  credential_id: string | null;
  /** JSON object of task variables. */
  variables: string;
  requester: string;
  status: string;
  priority: number;
  not_before: number;
  attempt_count: number;
  /** JSON RetryPolicy. */
  retry_policy: string;
  /** JSON OperationTimeouts. */
  timeouts: string;
  parent_id: string | null;
  run_id: string | null;
  lease_owner: string | null;
  lease_expires_at: number | null;
  /** The attempt the lease belongs to: fences reports from an attempt that was recovered. */
  current_attempt_id: string | null;
  /** 0/1 on SQLite, boolean on PostgreSQL; always written as 0/1. */
  cancel_requested: ColumnType<number | boolean, number, number>;
  last_error_code: string | null;
  last_error_message: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

export interface AttemptsTable {
  id: string;
  operation_id: string;
  number: number;
  worker_id: string;
  started_at: number;
  ended_at: number | null;
  outcome: string | null;
  error_code: string | null;
  message: string | null;
  transcript: string;
}

export interface OutboxEventsTable {
  /** Auto-increment: the insertion order, which orders the rows one numbering pass numbers. */
  id: Generated<number>;
  /**
   * The delivery position: dense, increasing, never reused. `null` until the dialect numbers
   * the row (see `outbox-positions.ts`); readers select `seq > cursor`, which skips such rows.
   */
  seq: number | null;
  type: string;
  subject_id: string;
  /** JSON object; never holds a secret. */
  payload: string;
  created_at: number;
}
