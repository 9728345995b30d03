import type { DriverErrorKind } from '../store-dialect.js';

/** better-sqlite3 reports `UNIQUE constraint failed: table.a, table.b`. */
const UNIQUE_MESSAGE = /constraint failed: (.+)$/;

export function classifySqliteError(error: unknown): DriverErrorKind {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : '';
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return uniqueKind(message);
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return { kind: 'foreign_key' };
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return { kind: 'busy' };
  // SQLite messages name tables, columns and constraints, never bound values.
  return { kind: 'other', summary: typeof code === 'string' ? `${code}: ${message}` : message || 'unknown failure' };
}

function uniqueKind(message: string): DriverErrorKind {
  const qualified = UNIQUE_MESSAGE.exec(message)?.[1]?.split(', ') ?? [];
  const table = qualified[0]?.split('.')[0] ?? 'unknown';
  return { kind: 'unique', table, columns: qualified.map((name) => name.split('.')[1] ?? name) };
}
