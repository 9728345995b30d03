/** Row shapes of migration 0004's tables (see database.ts for the conventions). */
export interface RotationProfilesTable {
  id: string;
  name: string;
  device_type: string | null;
  vendor: string | null;
  model: string | null;
  credential_kind: string | null;
  /** JSON rotation policy, validated by `src/rotation` before it is written. */
  policy: string;
  executor: string | null;
  change_template_id: string | null;
  verify_template_id: string | null;
  reconcile_template_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface CredentialRotationTable {
  credential_id: string;
  profile_id: string | null;
  /** JSON rotation policy. */
  policy: string;
  /** The policy's change period, for the expiry scan; `null`: no periodic change. */
  period_ms: number | null;
  executor: string;
  change_template_id: string;
  verify_template_id: string | null;
  reconcile_template_id: string | null;
  /** JSON executor settings, or `null` for the executor's defaults. */
  executor_config: string | null;
  last_rotated_at: number | null;
  /** 0/1. */
  manual_done: number;
  created_at: number;
  updated_at: number;
}

export interface RotationsTable {
  id: string;
  credential_id: string;
  operation_id: string;
  kind: string;
  trigger: string;
  requester: string;
  parent_rotation_id: string | null;
  phase: string;
  error_code: string | null;
  created_at: number;
  updated_at: number;
  /** `null` while the rotation holds the credential's lock. */
  finished_at: number | null;
}
