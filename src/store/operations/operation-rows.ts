import type { Selectable } from 'kysely';
import {
  DEFAULT_RETRY_POLICY,
  DEFAULT_TIMEOUTS,
  OPERATION_TYPES,
  PRIORITY_NORMAL,
  newId,
  validationError,
  type Attempt,
  type AttemptOutcome,
  type NewOperation,
  type Operation,
  type OperationStatus,
  type OperationTimeouts,
  type OperationType,
  type RetryPolicy,
} from '../../domain/index.js';
import type { AttemptsTable, OperationsTable } from '../database.js';

export type OperationRow = Selectable<OperationsTable>;
export type AttemptRow = Selectable<AttemptsTable>;
/** A complete row as written on submit (`cancel_requested` as 0/1). */
export type NewOperationRow = Omit<OperationRow, 'cancel_requested'> & { cancel_requested: number };

/** Builds the row for a submitted operation, validating what the database cannot. */
export function newOperationRow(input: NewOperation, now: number, fieldPrefix = 'operation'): NewOperationRow {
  const field = (name: string) => `${fieldPrefix}.${name}`;
  validateNewOperation(input, field);
  return {
    id: newId(),
    type: input.type,
    executor: input.executor,
    template_id: input.templateId,
    template_version: input.templateVersion,
    device_id: input.deviceId ?? null,
    credential_id: input.credentialId ?? null,
    variables: JSON.stringify(input.variables ?? {}),
    requester: input.requester,
    status: input.status ?? 'scheduled',
    priority: input.priority ?? PRIORITY_NORMAL,
    not_before: input.notBefore ?? now,
    attempt_count: 0,
    retry_policy: JSON.stringify(input.retryPolicy ?? DEFAULT_RETRY_POLICY),
    timeouts: JSON.stringify(input.timeouts ?? DEFAULT_TIMEOUTS),
    parent_id: input.parentId ?? null,
    run_id: input.runId ?? null,
    lease_owner: null,
    lease_expires_at: null,
    current_attempt_id: null,
    cancel_requested: 0,
    last_error_code: null,
    last_error_message: null,
    created_at: now,
    updated_at: now,
    finished_at: null,
  };
}

function validateNewOperation(input: NewOperation, field: (name: string) => string): void {
  if (!(OPERATION_TYPES as readonly string[]).includes(input.type)) {
    throw validationError(field('type'), `expected one of ${OPERATION_TYPES.join(', ')}`);
  }
  requireText(input.executor, field('executor'));
  requireText(input.templateId, field('templateId'));
  requireText(input.requester, field('requester'));
  if (!Number.isInteger(input.templateVersion) || input.templateVersion < 1) throw validationError(field('templateVersion'), 'expected an integer ≥ 1');
  if (input.status !== undefined && input.status !== 'scheduled' && input.status !== 'waiting_approval') {
    throw validationError(field('status'), 'expected scheduled or waiting_approval');
  }
  if (input.notBefore !== undefined && !Number.isSafeInteger(input.notBefore)) throw validationError(field('notBefore'), 'expected epoch milliseconds');
  if (input.priority !== undefined && !Number.isInteger(input.priority)) throw validationError(field('priority'), 'expected an integer');
  const variables = input.variables ?? {};
  if (typeof variables !== 'object' || Object.values(variables).some((value) => typeof value !== 'string')) {
    throw validationError(field('variables'), 'expected an object of string values');
  }
}

function requireText(value: unknown, field: string): void {
  if (typeof value !== 'string' || value === '') throw validationError(field, 'expected a non-empty string');
}

export function toOperation(row: OperationRow): Operation {
  return Object.freeze({
    id: row.id,
    type: row.type as OperationType,
    executor: row.executor,
    templateId: row.template_id,
    templateVersion: row.template_version,
    deviceId: row.device_id,
    credentialId: row.credential_id,
    variables: Object.freeze(JSON.parse(row.variables) as Record<string, string>),
    requester: row.requester,
    status: row.status as OperationStatus,
    priority: row.priority,
    notBefore: row.not_before,
    attemptCount: row.attempt_count,
    retryPolicy: Object.freeze(JSON.parse(row.retry_policy) as RetryPolicy),
    timeouts: Object.freeze(JSON.parse(row.timeouts) as OperationTimeouts),
    parentId: row.parent_id,
    runId: row.run_id,
    leaseOwner: row.lease_owner,
    leaseExpiresAt: row.lease_expires_at,
    // 0/1 on SQLite, a boolean on PostgreSQL.
    cancelRequested: Boolean(row.cancel_requested),
    lastErrorCode: row.last_error_code,
    lastErrorMessage: row.last_error_message,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
  });
}

export function toAttempt(row: AttemptRow): Attempt {
  return Object.freeze({
    id: row.id,
    operationId: row.operation_id,
    number: row.number,
    workerId: row.worker_id,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    outcome: row.outcome as AttemptOutcome | null,
    errorCode: row.error_code,
    message: row.message,
    transcript: row.transcript,
  });
}
