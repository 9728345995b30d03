import { z } from 'zod';
import { ATTEMPT_OUTCOMES, OPERATION_STATUS_LABELS, OPERATION_STATUSES, OPERATION_TYPES } from '../../domain/index.js';
import type { Attempt, Operation } from '../../domain/index.js';
import { dateFilter, iso, isoOrNull, timestamp } from './common-schemas.js';

/** Task variables: upper-case names as templates use them; values are checked by lint at run time. */
const variables = z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'expected a variable name'), z.string().max(4096));

/**
 * What a client may submit directly. Rotations (`password_change`, `reconcile`) go through
 * the rotation service, which keeps vault and device in step, never through this route.
 */
export const operationInput = z.strictObject({
  type: z.enum(['task', 'verify']).optional().describe('Default `task`.'),
  templateId: z.uuid(),
  templateVersion: z.number().int().min(1).optional().describe('Default: the latest version, pinned now.'),
  deviceId: z.uuid().nullable().optional(),
  credentialId: z.uuid().nullable().optional(),
  variables: variables.optional(),
  notBefore: z.iso.datetime({ offset: true }).optional().describe('Not before this time. Default now.'),
});

const statusList = z
  .string()
  .max(200)
  .transform((value) => value.split(',').map((entry) => entry.trim()).filter(Boolean))
  .pipe(z.array(z.enum(OPERATION_STATUSES)).min(1));

export const operationQuery = z.strictObject({
  status: statusList.optional().describe('Comma-separated statuses.'),
  deviceId: z.uuid().optional(),
  credentialId: z.uuid().optional(),
  requester: z.string().min(1).max(200).optional(),
  runId: z.uuid().optional(),
  from: dateFilter.optional().describe('Created at or after (ISO 8601 or epoch ms).'),
  to: dateFilter.optional().describe('Created before (ISO 8601 or epoch ms).'),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  after: z.string().min(1).max(512).optional(),
});

/** The body is optional: `null` when none was sent. */
export const cancelInput = z.strictObject({ reason: z.string().trim().max(1000).optional() }).nullish();

export const operationView = z
  .object({
    id: z.uuid(),
    type: z.enum(OPERATION_TYPES),
    executor: z.string(),
    templateId: z.string(),
    templateVersion: z.number().int(),
    deviceId: z.string().nullable(),
    credentialId: z.string().nullable(),
    variables: z.record(z.string(), z.string()),
    requester: z.string(),
    status: z.enum(OPERATION_STATUSES),
    statusLabel: z.string(),
    priority: z.number().int(),
    notBefore: timestamp,
    attemptCount: z.number().int(),
    parentId: z.string().nullable(),
    runId: z.string().nullable(),
    cancelRequested: z.boolean(),
    lastErrorCode: z.string().nullable(),
    lastErrorMessage: z.string().nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
    finishedAt: timestamp.nullable(),
  })
  .meta({ id: 'Operation' });

export const attemptView = z
  .object({
    id: z.string(),
    number: z.number().int(),
    workerId: z.string(),
    startedAt: timestamp,
    endedAt: timestamp.nullable(),
    outcome: z.enum(ATTEMPT_OUTCOMES).nullable(),
    errorCode: z.string().nullable(),
    message: z.string().nullable(),
  })
  .meta({ id: 'Attempt' });

export const transcriptView = z.object({
  operationId: z.uuid(),
  attempts: z.array(z.object({ number: z.number().int(), outcome: z.enum(ATTEMPT_OUTCOMES).nullable(), transcript: z.string() })),
});

export function toOperationView(operation: Operation): z.infer<typeof operationView> {
  return {
    id: operation.id,
    type: operation.type,
    executor: operation.executor,
    templateId: operation.templateId,
    templateVersion: operation.templateVersion,
    deviceId: operation.deviceId,
    credentialId: operation.credentialId,
    variables: { ...operation.variables },
    requester: operation.requester,
    status: operation.status,
    statusLabel: OPERATION_STATUS_LABELS[operation.status],
    priority: operation.priority,
    notBefore: iso(operation.notBefore),
    attemptCount: operation.attemptCount,
    parentId: operation.parentId,
    runId: operation.runId,
    cancelRequested: operation.cancelRequested,
    lastErrorCode: operation.lastErrorCode,
    lastErrorMessage: operation.lastErrorMessage,
    createdAt: iso(operation.createdAt),
    updatedAt: iso(operation.updatedAt),
    finishedAt: isoOrNull(operation.finishedAt),
  };
}

export function toAttemptView(attempt: Attempt): z.infer<typeof attemptView> {
  return {
    id: attempt.id,
    number: attempt.number,
    workerId: attempt.workerId,
    startedAt: iso(attempt.startedAt),
    endedAt: isoOrNull(attempt.endedAt),
    outcome: attempt.outcome,
    errorCode: attempt.errorCode,
    message: attempt.message,
  };
}
