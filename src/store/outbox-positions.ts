import type { Kysely } from 'kysely';
import type { Database } from './database.js';

/**
 * Gives every outbox row this statement can see without a `seq` the next positions after the
 * highest one, in insertion (`id`) order, and returns how many it numbered.
 *
 * Why it keeps the outbox's promise — *once a reader has seen seq N, no event with seq ≤ N
 * ever appears later* — when numbering passes never overlap (the caller's job: PostgreSQL's
 * sequencer lock held to commit; SQLite numbers at insert instead, see its dialect): each pass starts above every
 * position a previous pass committed, so positions only grow, with no gap, and a row from a
 * transaction that has not committed (or rolled back) is not seen, so it takes no position
 * until it is committed — and then a higher one than anything a reader may already have seen.
 *
 * Ordering by `id` within a pass keeps cause before effect: a transaction inserts its events
 * last, just before it commits, so an event written by a transaction that saw another's
 * commit has the higher `id`, and is never numbered in an earlier pass.
 */
export async function numberOutboxRows(db: Kysely<Database>): Promise<number> {
  const numbered = db
    .selectFrom('outbox_events')
    .where('seq', 'is', null)
    .select((eb) => [
      'id',
      eb(
        eb.selectFrom('outbox_events as numbered_before').select((inner) => inner.fn.coalesce(inner.fn.max('seq'), inner.lit(0)).as('head')),
        '+',
        eb.fn.agg<number>('row_number').over((over) => over.orderBy('id')),
      ).as('position'),
    ]);
  const result = await db
    .updateTable('outbox_events')
    .from(numbered.as('numbered'))
    .set((eb) => ({ seq: eb.ref('numbered.position') }))
    .whereRef('outbox_events.id', '=', 'numbered.id')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Whether any outbox row still waits for its position (one look into the `seq` index, where NULLs sort last). */
export async function hasUnnumberedOutboxRows(db: Kysely<Database>): Promise<boolean> {
  const row = await db.selectFrom('outbox_events').select('id').where('seq', 'is', null).limit(1).executeTakeFirst();
  return row !== undefined;
}
