import type { Selectable } from 'kysely';
import type { AuditEventRecord } from './access-store.js';
import type { AuditEventsTable } from './access-tables.js';

/** Rows per INSERT: 13 columns × 50 stays far under SQLite's limit on bound parameters. */
export const AUDIT_INSERT_CHUNK = 50;

/**
 * `changes` is stored as JSON text. A value edited into something that is not JSON
 * still reads back (as the raw text), so verification reports the row instead of crashing.
 */
function parseChanges(text: string): Readonly<Record<string, unknown>> {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Falls through: reported by verification as a changed event.
  }
  return { unreadableChanges: text };
}

export function toAuditEvent(row: Selectable<AuditEventsTable>): AuditEventRecord {
  return Object.freeze({
    seq: Number(row.seq),
    id: row.id,
    at: Number(row.at),
    actor: row.actor,
    actorName: row.actor_name,
    action: row.action,
    objectType: row.object_type,
    objectId: row.object_id,
    reason: row.reason,
    changes: parseChanges(row.changes),
    sourceAddress: row.source_address,
    prevHash: row.prev_hash,
    hash: row.hash,
  });
}

/** `changes` is written as JSON; the hash is computed over its canonical form, so key order here does not matter. */
export function toAuditRow(event: AuditEventRecord): AuditEventsTable {
  return {
    seq: event.seq,
    id: event.id,
    at: event.at,
    actor: event.actor,
    actor_name: event.actorName,
    action: event.action,
    object_type: event.objectType,
    object_id: event.objectId,
    reason: event.reason,
    changes: JSON.stringify(event.changes),
    source_address: event.sourceAddress,
    prev_hash: event.prevHash,
    hash: event.hash,
  };
}
