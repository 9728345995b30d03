import type { ColumnType } from 'kysely';

/** Row shapes of migration 0002's tables (see database.ts for the conventions). */
export interface UsersTable {
  id: string;
  username: string;
  password_hash: string;
  /** JSON array of role names. */
  roles: string;
  /** 0/1 on SQLite, boolean on PostgreSQL; always written as 0/1. */
  disabled: ColumnType<number | boolean, number, number>;
  created_at: number;
  updated_at: number;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  token_hash: string;
  created_at: number;
  expires_at: number;
  source_address: string | null;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  /** JSON array of permission names. */
  permissions: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  last_used_at: number | null;
}

export interface LoginFailuresTable {
  key: string;
  failures: number;
  first_failure_at: number;
  last_failure_at: number;
  locked_until: number | null;
}

export interface AuditEventsTable {
  seq: number;
  id: string;
  at: number;
  actor: string;
  actor_name: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  reason: string | null;
  /** JSON object. */
  changes: string;
  source_address: string | null;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadTable {
  /** Always 1. */
  id: number;
  seq: number;
  hash: string;
  outbox_seq: number;
  updated_at: number;
}
