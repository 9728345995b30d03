import { OstiaryError, isOstiaryError } from '../../domain/index.js';

/**
 * The store names a unique violation `table.column` unless its catalogue knows the key;
 * the Task Manager's keys are named here, as the field the caller typed (`task.name`).
 */
const FIELDS: Readonly<Record<string, string>> = Object.freeze({
  'reasons.name': 'reason.name',
  'tasks.name': 'task.name',
  'access_groups.name': 'accessGroup.name',
});

export async function withFieldNames<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    const field = isOstiaryError(error) && error.code === 'OST_CONFLICT' ? FIELDS[String(error.details.field)] : undefined;
    if (field === undefined) throw error;
    throw new OstiaryError('OST_CONFLICT', `${field}: already exists`, { cause: error, details: { field } });
  }
}
