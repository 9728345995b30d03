import type { Kysely } from 'kysely';
import type { OutboxEvent } from '../domain/index.js';
import type { Database } from './database.js';
import { OstiaryError, validationError } from '../domain/index.js';
import { insertOutboxEvents, toOutboxEvent } from './outbox-rows.js';
import type { StoreContext } from './store-context.js';
import type { OutboxRepository } from './store.js';

/**
 * The outbox: `seq` is the delivery order. Positions are dense and increasing, and a reader
 * that has seen seq N never later finds an event at N or below: an event takes its position
 * once its transaction has committed, after every event already numbered (see
 * `numberOutboxRows` and the dialect's `outboxNumbering`).
 */
export function createOutboxRepository(ctx: StoreContext): OutboxRepository {
  return Object.freeze({
    append: (type: string, subjectId: string, payload: Record<string, unknown>) => appendEvent(ctx, type, subjectId, payload),
    read: (afterSeq: number, limit: number) => readEvents(ctx, afterSeq, limit),
    head: () => numberCommittedEvents(ctx).then(() => ctx.query(outboxHead)),
  });
}

/**
 * The newest outbox seq, 0 when the outbox is empty. Counts numbered events only: call
 * {@link numberCommittedEvents} first where it must count every event committed so far.
 */
export async function outboxHead(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('outbox_events').select((eb) => eb.fn.max('seq').as('head')).executeTakeFirst();
  return Number(row?.head ?? 0);
}

/**
 * Gives every event committed before the call its position. A reader that selects from
 * `outbox_events` itself, rather than through {@link OutboxRepository.read}, calls this first:
 * on PostgreSQL events are numbered after their commit, in the background.
 */
export function numberCommittedEvents(ctx: StoreContext): Promise<void> {
  return ctx.query(() => ctx.dialect.outboxNumbering.numberCommitted());
}

/** Rare and off the hot path, so it may wait for its position and return the event with it. */
async function appendEvent(ctx: StoreContext, type: string, subjectId: string, payload: Record<string, unknown>): Promise<OutboxEvent> {
  if (typeof type !== 'string' || type === '') throw validationError('event.type', 'expected an event type such as `device.created`');
  const [id] = await ctx.write((tx) => insertOutboxEvents(tx.db, ctx.dialect, [{ type, subjectId, payload }], tx.now));
  await numberCommittedEvents(ctx);
  const row = await ctx.query((db) => db.selectFrom('outbox_events').selectAll().where('id', '=', id ?? -1).executeTakeFirst());
  if (row?.seq == null) throw new OstiaryError('OST_STORE', 'the outbox event was written but has no position yet');
  return toOutboxEvent(row);
}

/**
 * Numbers what has committed first, so the reader finds every event committed before it
 * asked, and one whose writer died between its commit and its pass is delivered all the same.
 */
async function readEvents(ctx: StoreContext, afterSeq: number, limit: number): Promise<readonly OutboxEvent[]> {
  if (!Number.isInteger(afterSeq) || afterSeq < 0) throw validationError('afterSeq', 'expected an integer ≥ 0');
  if (!Number.isInteger(limit) || limit < 1) throw validationError('limit', 'expected an integer ≥ 1');
  await numberCommittedEvents(ctx);
  return ctx.query(async (db) => {
    const rows = await db.selectFrom('outbox_events').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
    return Object.freeze(rows.map(toOutboxEvent));
  });
}
