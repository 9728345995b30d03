import type { DriverErrorKind } from '../store-dialect.js';

/** PostgreSQL names the key in `detail`: `Key (device_id, username)=(…) already exists.` */
const KEY_COLUMNS = /^Key \(([^)]*)\)=/;

interface PgErrorLike {
  readonly code?: unknown;
  readonly table?: unknown;
  readonly detail?: unknown;
  readonly message?: unknown;
}

export function classifyPostgresError(error: unknown): DriverErrorKind {
  const pgError = (error ?? {}) as PgErrorLike;
  const code = typeof pgError.code === 'string' ? pgError.code : '';
  if (code === '23505') return uniqueKind(pgError);
  if (code === '23503') return { kind: 'foreign_key' };
  // Serialization failure, deadlock, lock timeout.
  if (code === '40001' || code === '40P01' || code === '55P03') return { kind: 'busy' };
  return { kind: 'other', summary: summary(code, pgError) };
}

function uniqueKind(error: PgErrorLike): DriverErrorKind {
  const detail = typeof error.detail === 'string' ? error.detail : '';
  const columns = KEY_COLUMNS.exec(detail)?.[1]?.split(',').map((column) => column.trim()) ?? [];
  return { kind: 'unique', table: typeof error.table === 'string' ? error.table : 'unknown', columns };
}

// Class 22 (data exception) messages may quote the offending value: keep only the code then.
function summary(code: string, error: PgErrorLike): string {
  const message = typeof error.message === 'string' ? error.message : 'unknown failure';
  if (code === '') return message;
  return code.startsWith('22') ? `${code}: invalid data` : `${code}: ${message}`;
}
