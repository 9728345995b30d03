import type { OutboxEvent } from '../domain/index.js';
import { validationError } from '../domain/index.js';
import { insertOutboxEvents, toOutboxEvent } from './outbox-rows.js';
import type { StoreContext } from './store-context.js';
import type { OutboxRepository } from './store.js';

/** The outbox: `seq` is the delivery order and, by the dialect's outbox lock, the commit order too. */
export function createOutboxRepository(ctx: StoreContext): OutboxRepository {
  return Object.freeze({
    append: (type: string, subjectId: string, payload: Record<string, unknown>) => appendEvent(ctx, type, subjectId, payload),
    read: (afterSeq: number, limit: number) => readEvents(ctx, afterSeq, limit),
  });
}

async function appendEvent(ctx: StoreContext, type: string, subjectId: string, payload: Record<string, unknown>): Promise<OutboxEvent> {
  if (typeof type !== 'string' || type === '') throw validationError('event.type', 'expected an event type such as `device.created`');
  const [event] = await ctx.write((tx) => insertOutboxEvents(tx.db, ctx.dialect, [{ type, subjectId, payload }], tx.now));
  // insertOutboxEvents returns one event per input; one input here.
  return event as OutboxEvent;
}

async function readEvents(ctx: StoreContext, afterSeq: number, limit: number): Promise<readonly OutboxEvent[]> {
  if (!Number.isInteger(afterSeq) || afterSeq < 0) throw validationError('afterSeq', 'expected an integer ≥ 0');
  if (!Number.isInteger(limit) || limit < 1) throw validationError('limit', 'expected an integer ≥ 1');
  return ctx.query(async (db) => {
    const rows = await db.selectFrom('outbox_events').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
    return Object.freeze(rows.map(toOutboxEvent));
  });
}
