import type { OutboxEvent } from '../domain/index.js';

/** The audit chain's head when an event left (DESIGN.md §7): lets a SIEM detect a truncated chain. */
export interface AuditChainHead {
  readonly seq: number;
  readonly hash: string;
}

/** An outbox event on its way out, with the audit chain head read just before sending. */
export interface OutboundEvent {
  readonly event: OutboxEvent;
  /** `null` while the chain has no event yet. */
  readonly auditHead: AuditChainHead | null;
}

/** The payload fields every message carries as ids, when the event has them. */
export const EVENT_ID_FIELDS = ['operationId', 'deviceId', 'credentialId', 'runId', 'attemptId', 'sinkId'] as const;

/** The event's ids (`operationId`, `deviceId`, …) that are present as non-empty strings. */
export function eventIds(event: OutboxEvent): readonly (readonly [string, string])[] {
  return EVENT_ID_FIELDS.flatMap((field) => {
    const value = event.payload[field];
    return typeof value === 'string' && value !== '' ? [[field, value] as const] : [];
  });
}

/** The one JSON shape an event has outside Ostiary (webhook bodies, syslog MSG, SSE frames). */
export function eventDocument(outbound: OutboundEvent): Record<string, unknown> {
  const { event, auditHead } = outbound;
  return {
    seq: event.seq,
    type: event.type,
    subjectId: event.subjectId,
    createdAt: new Date(event.createdAt).toISOString(),
    payload: event.payload,
    ...(auditHead ? { auditHead: { seq: auditHead.seq, hash: auditHead.hash } } : {}),
  };
}
