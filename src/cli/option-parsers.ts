import { OPERATION_STATUSES, isOperationStatus, validationError } from '../domain/index.js';
import type { OperationStatus } from '../domain/index.js';

/** Commander argument parsers that throw `OST_VALIDATION` naming the option. */
export function integerOption(option: string, min: number): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed) || parsed < min) {
      throw validationError(option, `expected an integer of at least ${min}, got ${JSON.stringify(value)}`);
    }
    return parsed;
  };
}

export function secondsOption(option: string): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (value.trim() === '' || !Number.isFinite(parsed) || parsed <= 0) {
      throw validationError(option, `expected a number of seconds greater than 0, got ${JSON.stringify(value)}`);
    }
    return parsed;
  };
}

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `--var KEY=VALUE`, repeatable; names are upper-cased as templates write them. */
export function collectVariable(entry: string, previous: Record<string, string> = {}): Record<string, string> {
  const equals = entry.indexOf('=');
  const name = equals === -1 ? '' : entry.slice(0, equals);
  if (!VARIABLE_NAME.test(name)) {
    throw validationError('--var', `expected KEY=VALUE with KEY made of letters, digits and _, got ${JSON.stringify(entry.slice(0, 40))}`);
  }
  return { ...previous, [name.toUpperCase()]: entry.slice(equals + 1) };
}

/** `--status scheduled,running` (repeatable). */
export function collectStatuses(entry: string, previous: OperationStatus[] = []): OperationStatus[] {
  const statuses = entry.split(',').map((part) => part.trim()).filter(Boolean);
  for (const status of statuses) {
    if (!isOperationStatus(status)) throw validationError('--status', `expected one of ${OPERATION_STATUSES.join(', ')}, got ${JSON.stringify(status)}`);
  }
  return [...previous, ...(statuses as OperationStatus[])];
}
