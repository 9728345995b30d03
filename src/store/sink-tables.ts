import type { ColumnType, Generated } from 'kysely';

/** Row shapes of migration 0005's tables (see database.ts for the conventions). */
export interface SinksTable {
  id: string;
  name: string;
  /** `syslog` or `webhook`. */
  kind: string;
  /** JSON object of the sink's settings; never holds a secret. */
  config: string;
  /** The signing secret in the vault's `secrets` table, if the sink has one. */
  secret_id: string | null;
  /** 0/1 on SQLite, boolean on PostgreSQL; always written as 0/1. */
  enabled: ColumnType<number | boolean, number, number>;
  /** `api` or `config` (the config file owns it). */
  managed_by: string;
  created_at: number;
  updated_at: number;
}

export interface SinkCursorsTable {
  sink_id: string;
  /** The last outbox seq this sink has been handed (or skipped by its filter). */
  delivered_seq: number;
  delivered_at: number | null;
  /** Events actually sent to the sink since it was created. */
  delivered_count: number;
  /** Consecutive failures; 0 after a success. */
  failures: number;
  total_failures: number;
  last_error: string | null;
  last_error_at: number | null;
  /** While failing: when the next try is due. */
  next_attempt_at: number | null;
  lease_owner: string | null;
  lease_expires_at: number | null;
  updated_at: number;
}

export interface SinkDeliveriesTable {
  id: Generated<number>;
  sink_id: string;
  first_seq: number;
  last_seq: number;
  attempt: number;
  ok: ColumnType<number | boolean, number, number>;
  status_code: number | null;
  error: string | null;
  at: number;
}
