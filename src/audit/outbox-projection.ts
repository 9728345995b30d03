import type { OutboxEvent } from '../domain/index.js';
import type { AuditEntry } from './audit-entry.js';

/**
 * How outbox events become audit events. Every outbox event is a fact some transaction
 * committed (`operation.scheduled`, `operation.succeeded`, …); the projector copies each one
 * into the chain exactly once, in outbox order, moving its position in the same transaction.
 */
export function outboxToAudit(event: OutboxEvent): AuditEntry {
  const payload = event.payload;
  return {
    // Commands carry who asked (`actor`); submissions carry the requester; the rest is the engine's own doing.
    actor: stringOr(payload.actor, stringOr(payload.requester, 'system:engine')),
    action: event.type,
    objectType: event.type.split('.')[0] ?? null,
    objectId: event.subjectId,
    reason: typeof payload.reason === 'string' ? payload.reason : null,
    changes: { ...payload, outboxSeq: event.seq },
  };
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' && value.length > 0 ? value : fallback;
}

/**
 * The prefix of `events` that is safe to project now. On PostgreSQL a transaction may take an
 * outbox `seq` and commit after a later one, so a hole in the sequence may still fill: stop
 * before a hole until the event after it is `gapWaitMs` old, then accept the hole (a rolled-
 * back transaction leaves one for ever).
 */
export function projectableOutbox(
  afterSeq: number,
  events: readonly OutboxEvent[],
  now: number,
  gapWaitMs: number,
): readonly OutboxEvent[] {
  let expected = afterSeq + 1;
  const safe: OutboxEvent[] = [];
  for (const event of events) {
    if (event.seq !== expected && now - event.createdAt < gapWaitMs) break;
    safe.push(event);
    expected = event.seq + 1;
  }
  return safe;
}
