import type { Kysely, Selectable } from 'kysely';
import type { OutboxEvent } from '../domain/index.js';
import type { Database, OutboxEventsTable } from './database.js';
import type { StoreDialect } from './store-dialect.js';

export interface PendingEvent {
  readonly type: string;
  readonly subjectId: string;
  readonly payload: Record<string, unknown>;
}

/** Rows per INSERT, well under SQLite's limit on bound parameters. */
const CHUNK = 500;

/** Writes events in the order given; takes the outbox lock first so `seq` follows commit order. */
export async function insertOutboxEvents(
  trx: Kysely<Database>,
  dialect: StoreDialect,
  events: readonly PendingEvent[],
  now: number,
): Promise<OutboxEvent[]> {
  if (events.length === 0) return [];
  await dialect.lockOutbox(trx);
  const inserted: OutboxEvent[] = [];
  for (let start = 0; start < events.length; start += CHUNK) {
    const rows = events.slice(start, start + CHUNK).map((event) => toRow(event, now));
    const result = await trx.insertInto('outbox_events').values(rows).returningAll().execute();
    inserted.push(...result.map(toOutboxEvent).sort((a, b) => a.seq - b.seq));
  }
  return inserted;
}

function toRow(event: PendingEvent, now: number) {
  return { type: event.type, subject_id: event.subjectId, payload: JSON.stringify(event.payload), created_at: now };
}

export function toOutboxEvent(row: Selectable<OutboxEventsTable>): OutboxEvent {
  return Object.freeze({
    seq: row.seq,
    type: row.type,
    subjectId: row.subject_id,
    payload: Object.freeze(JSON.parse(row.payload) as Record<string, unknown>),
    createdAt: row.created_at,
  });
}
