import { OstiaryError, isOstiaryError } from '../domain/index.js';
import type { DriverErrorKind } from './store-dialect.js';

/** Unique keys as `table(columns)`, named as the field a caller would recognise. */
const UNIQUE_FIELDS: Readonly<Record<string, string>> = Object.freeze({
  'devices(id)': 'device.id',
  'devices(name)': 'device.name',
  'credentials(id)': 'credential.id',
  'credentials(device_id,username)': 'credential.username',
  'credential_fields(credential_id,name)': 'credential.fields.name',
  'templates(id)': 'template.id',
  'templates(name)': 'template.name',
  'template_versions(template_id,version)': 'template.version',
  'secret_versions(secret_id,version)': 'secret.version',
  'secret_versions(secret_id,state)': 'secret.state',
  'operations(id)': 'operation.id',
  'attempts(operation_id,number)': 'attempt.number',
  'users(username)': 'username',
  'api_tokens(token_hash)': 'token',
  'sessions(token_hash)': 'session',
  'audit_events(seq)': 'audit.seq',
  'sinks(name)': 'sink.name',
});

/** Turns any error thrown by a driver into a catalogue error; catalogue errors pass through. */
export function translateError(error: unknown, classify: (error: unknown) => DriverErrorKind): OstiaryError {
  if (isOstiaryError(error)) return error;
  const kind = classify(error);
  switch (kind.kind) {
    case 'unique':
      return uniqueViolation(kind.table, kind.columns, error);
    case 'foreign_key':
      return new OstiaryError('OST_CONFLICT', 'a referenced record is missing, or the record is still referenced', {
        cause: error,
      });
    case 'busy':
      return new OstiaryError('OST_STORE', 'database error: the database is busy', { cause: error });
    case 'other':
      return new OstiaryError('OST_STORE', `database error: ${kind.summary}`, { cause: error });
  }
}

function uniqueViolation(table: string, columns: readonly string[], cause: unknown): OstiaryError {
  const key = `${table}(${columns.join(',')})`;
  const field = UNIQUE_FIELDS[key] ?? `${table}.${columns.join(',')}`;
  return new OstiaryError('OST_CONFLICT', `${field}: already exists`, { cause, details: { field } });
}

/** `field` names the input that pointed at the missing row, when there is one. */
export function notFound(what: string, id: string, field?: string): OstiaryError {
  const prefix = field === undefined ? '' : `${field}: `;
  return new OstiaryError('OST_NOT_FOUND', `${prefix}${what} ${id} does not exist`, {
    details: field === undefined ? { id } : { field, id },
  });
}
