import { z } from 'zod';
import type { SinkDelivery, SinkRecord, SinkState } from '../../store/sink-store.js';
import { SINK_KINDS } from '../../store/sink-store.js';
import { iso, isoOrNull, timestamp } from './common-schemas.js';

const sinkName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'expected 1–64 letters, digits, `_`, `.` or `-`');
/** Settings are checked for the sink's kind by `parseSinkSettings` (see docs/integrations.md). */
const sinkConfig = z.record(z.string(), z.unknown()).describe('The sink settings for its kind (docs/integrations.md).');
const signingSecret = z.string().min(16).max(4096).describe('Webhook signing secret (write-only; at least 16 characters).');

export const sinkInput = z.strictObject({
  name: sinkName,
  kind: z.enum(SINK_KINDS),
  enabled: z.boolean().optional().describe('Default true.'),
  startFrom: z.enum(['now', 'beginning']).optional().describe('Where delivery starts: new events only (default), or the whole outbox.'),
  config: sinkConfig,
  secret: signingSecret.optional(),
});

export const sinkChanges = z.strictObject({
  enabled: z.boolean().optional(),
  config: sinkConfig.optional(),
  secret: signingSecret.optional(),
});

export const sinkStateView = z
  .object({
    deliveredSeq: z.number().int(),
    deliveredAt: timestamp.nullable(),
    deliveredCount: z.number().int(),
    lag: z.number().int().describe('Outbox events not yet handed to the sink.'),
    headSeq: z.number().int(),
    failures: z.number().int().describe('Consecutive failed deliveries.'),
    totalFailures: z.number().int(),
    lastError: z.string().nullable(),
    lastErrorAt: timestamp.nullable(),
    nextAttemptAt: timestamp.nullable(),
    leaseOwner: z.string().nullable(),
    leaseExpiresAt: timestamp.nullable(),
  })
  .meta({ id: 'SinkState' });

export const sinkView = z
  .object({
    id: z.uuid(),
    name: z.string(),
    kind: z.enum(SINK_KINDS),
    enabled: z.boolean(),
    managedBy: z.enum(['api', 'config']),
    config: z.record(z.string(), z.unknown()),
    hasSecret: z.boolean(),
    createdAt: timestamp,
    updatedAt: timestamp,
    state: sinkStateView.nullable(),
  })
  .meta({ id: 'Sink' });

export const deliveryView = z
  .object({
    firstSeq: z.number().int(),
    lastSeq: z.number().int(),
    attempt: z.number().int(),
    ok: z.boolean(),
    statusCode: z.number().int().nullable(),
    error: z.string().nullable(),
    at: timestamp,
  })
  .meta({ id: 'SinkDelivery' });

export const deliveriesQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(200).optional().describe('Default 50.') });

export function toSinkStateView(state: SinkState): z.infer<typeof sinkStateView> {
  return {
    deliveredSeq: state.deliveredSeq,
    deliveredAt: isoOrNull(state.deliveredAt),
    deliveredCount: state.deliveredCount,
    lag: state.lag,
    headSeq: state.headSeq,
    failures: state.failures,
    totalFailures: state.totalFailures,
    lastError: state.lastError,
    lastErrorAt: isoOrNull(state.lastErrorAt),
    nextAttemptAt: isoOrNull(state.nextAttemptAt),
    leaseOwner: state.leaseOwner,
    leaseExpiresAt: isoOrNull(state.leaseExpiresAt),
  };
}

export function toSinkView(sink: SinkRecord, state: SinkState | null): z.infer<typeof sinkView> {
  return {
    id: sink.id,
    name: sink.name,
    kind: sink.kind,
    enabled: sink.enabled,
    managedBy: sink.managedBy,
    config: { ...sink.config },
    hasSecret: sink.secretId !== null,
    createdAt: iso(sink.createdAt),
    updatedAt: iso(sink.updatedAt),
    state: state ? toSinkStateView(state) : null,
  };
}

export function toDeliveryView(delivery: SinkDelivery): z.infer<typeof deliveryView> {
  const { firstSeq, lastSeq, attempt, ok, statusCode, error } = delivery;
  return { firstSeq, lastSeq, attempt, ok, statusCode, error, at: iso(delivery.at) };
}
