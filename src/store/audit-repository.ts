import type { Kysely } from 'kysely';
import type { OutboxEvent } from '../domain/index.js';
import type { AuditAppendPlan, AuditEventFilter, AuditEventRecord, AuditHead, AuditRepository } from './access-store.js';
import { AUDIT_INSERT_CHUNK, toAuditEvent, toAuditRow } from './audit-rows.js';
import type { Database } from './database.js';
import { numberCommittedEvents } from './outbox-repository.js';
import { toOutboxEvent } from './outbox-rows.js';
import { decodeCursor, pageLimit, toPage } from './pagination.js';
import type { StoreContext, WriteTx } from './store-context.js';
import type { Page, PageOf } from './store.js';

export function createAuditRepository(ctx: StoreContext): AuditRepository {
  return Object.freeze({
    append: (plan: (head: AuditHead) => AuditAppendPlan) => ctx.write((tx) => appendLocked(tx, async (head) => plan(head))),
    appendFromOutbox: async (limit: number, plan: (head: AuditHead, outbox: readonly OutboxEvent[]) => AuditAppendPlan) => {
      // Every event committed before this call then has its outbox position (see `numberCommittedEvents`).
      await numberCommittedEvents(ctx);
      return ctx.write((tx) => appendLocked(tx, async (head) => plan(head, await outboxAfter(tx.db, head.outboxSeq, limit))));
    },
    head: () => ctx.query((db) => readHead(db)),
    readAfter: (afterSeq: number, limit: number) =>
      ctx.query(async (db) => Object.freeze((await db.selectFrom('audit_events').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute()).map(toAuditEvent))),
    query: (filter: AuditEventFilter, page?: Page) => queryEvents(ctx, filter, page),
  });
}

/**
 * The serialized append: the first statement writes the head row, which takes its row lock
 * on PostgreSQL (another appender waits until this transaction ends) — SQLite's write
 * transaction holds the database lock from BEGIN. Only then is the head read, so every
 * appender links to the head the previous one left.
 */
async function appendLocked(tx: WriteTx, plan: (head: AuditHead) => Promise<AuditAppendPlan>): Promise<readonly AuditEventRecord[]> {
  await tx.db.updateTable('audit_head').set({ updated_at: tx.now }).where('id', '=', 1).execute();
  const head = await readHead(tx.db);
  const { events, outboxSeq } = await plan(head);
  assertLinked(head, events);
  for (let start = 0; start < events.length; start += AUDIT_INSERT_CHUNK) {
    await tx.db.insertInto('audit_events').values(events.slice(start, start + AUDIT_INSERT_CHUNK).map(toAuditRow)).execute();
  }
  const last = events.at(-1);
  const next = { seq: last?.seq ?? head.seq, hash: last?.hash ?? head.hash, outbox_seq: outboxSeq ?? head.outboxSeq };
  await tx.db.updateTable('audit_head').set(next).where('id', '=', 1).execute();
  return Object.freeze(events);
}

/** A plan must continue the chain exactly where the head is; anything else is a bug upstream. */
function assertLinked(head: AuditHead, events: readonly AuditEventRecord[]): void {
  let expected = { seq: head.seq + 1, prevHash: head.hash };
  for (const event of events) {
    if (event.seq !== expected.seq || event.prevHash !== expected.prevHash) {
      throw new Error(`audit append: event ${event.seq} does not continue the chain at ${expected.seq}`);
    }
    expected = { seq: event.seq + 1, prevHash: event.hash };
  }
}

async function readHead(db: Kysely<Database>): Promise<AuditHead> {
  const row = await db.selectFrom('audit_head').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
  return Object.freeze({ seq: Number(row.seq), hash: row.hash, outboxSeq: Number(row.outbox_seq) });
}

async function outboxAfter(db: Kysely<Database>, afterSeq: number, limit: number): Promise<readonly OutboxEvent[]> {
  const rows = await db.selectFrom('outbox_events').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
  return rows.map(toOutboxEvent);
}

/** Newest first; the cursor is the (seq, id) of the last event shown. */
async function queryEvents(ctx: StoreContext, filter: AuditEventFilter, page: Page | undefined): Promise<PageOf<AuditEventRecord>> {
  const limit = pageLimit(page);
  const after = decodeCursor(page);
  return ctx.query(async (db) => {
    let query = db.selectFrom('audit_events').selectAll().orderBy('seq', 'desc').limit(limit + 1);
    if (filter.actor !== undefined) query = query.where('actor', '=', filter.actor);
    if (filter.action !== undefined) query = query.where('action', '=', filter.action);
    if (filter.objectType !== undefined) query = query.where('object_type', '=', filter.objectType);
    if (filter.objectId !== undefined) query = query.where('object_id', '=', filter.objectId);
    if (filter.from !== undefined) query = query.where('at', '>=', filter.from);
    if (filter.to !== undefined) query = query.where('at', '<', filter.to);
    if (after) query = query.where('seq', '<', Number(after[0]));
    return toPage(await query.execute(), limit, toAuditEvent, (row) => [Number(row.seq), row.id]);
  });
}
