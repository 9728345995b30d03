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

/**
 * Writes events in the order given, without a lock, and returns their row ids. Where the
 * dialect numbers in the writing transaction the rows are written with their `seq`;
 * elsewhere they get it once committed (`StoreDialect.outboxNumbering`).
 */
export async function insertOutboxEvents(
  trx: Kysely<Database>,
  dialect: StoreDialect,
  events: readonly PendingEvent[],
  now: number,
): Promise<readonly number[]> {
  if (events.length === 0) return [];
  const first = await dialect.outboxNumbering.firstPositionInTransaction(trx);
  const ids: number[] = [];
  for (let start = 0; start < events.length; start += CHUNK) {
    const rows = events.slice(start, start + CHUNK).map((event, i) => toRow(event, now, first === null ? null : first + start + i));
    const result = await trx.insertInto('outbox_events').values(rows).returning('id').execute();
    ids.push(...result.map((row) => row.id).sort((a, b) => a - b));
  }
  return ids;
}

function toRow(event: PendingEvent, now: number, seq: number | null) {
  return { type: event.type, subject_id: event.subjectId, payload: JSON.stringify(event.payload), created_at: now, seq };
}

/** A numbered row as the domain sees it; reading an unnumbered one is a bug in the query. */
export function toOutboxEvent(row: Selectable<OutboxEventsTable>): OutboxEvent {
  if (row.seq === null) throw new Error(`outbox row ${row.id} was read before it was numbered`);
  return Object.freeze({
    seq: Number(row.seq),
    type: row.type,
    subjectId: row.subject_id,
    payload: Object.freeze(JSON.parse(row.payload) as Record<string, unknown>),
    createdAt: row.created_at,
  });
}
