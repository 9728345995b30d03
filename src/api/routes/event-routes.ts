import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { OutboxEvent } from '../../domain/index.js';
import { eventFilter } from '../../outbound/event-filter.js';
import type { EventFilter } from '../../outbound/event-filter.js';
import type { ApiContext, ApiStore } from '../api-context.js';
import { responses } from '../schemas/responses.js';
import { eventsQuery, eventsView, toEventView } from '../schemas/rotation-schemas.js';

/** How many outbox rows one poll looks at, at most, when a filter skips most of them. */
const SCAN_LIMIT = 5_000;
const BATCH = 500;

/**
 * The event feed for client systems (docs/rotation.md, docs/integrations.md): the outbox read
 * by polling, beside the SSE stream of `stream-routes.ts`. Both need `event:read`, so a
 * client system's token needs no auditor rights. Events never hold a secret.
 */
export function eventRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/events', {
      config: { permission: 'event:read' },
      schema: { tags: ['events'], summary: 'Poll events (outbox) after a seq, oldest first, optionally filtered by type', querystring: eventsQuery, response: responses({ 200: eventsView }) },
    }, async (request) => {
      const { after, limit, types } = request.query;
      const filter = types === undefined ? null : eventFilter(types.split(','));
      const [read, head] = await Promise.all([readEvents(ctx.store, after, limit, filter), ctx.store.outbox.head()]);
      return { items: read.items.map(toEventView), cursor: read.cursor, head: Math.max(head, read.cursor) };
    });
  };
}

/** Up to `limit` matching events after `after`; `cursor` is the last seq looked at, so skipped rows are not read again. */
async function readEvents(store: ApiStore, after: number, limit: number, filter: EventFilter | null): Promise<{ items: OutboxEvent[]; cursor: number }> {
  const items: OutboxEvent[] = [];
  let cursor = after;
  for (let scanned = 0; scanned < SCAN_LIMIT && items.length < limit;) {
    const batch = await store.outbox.read(cursor, filter === null ? limit - items.length : BATCH);
    for (const event of batch) {
      if (items.length === limit) return { items, cursor };
      cursor = event.seq;
      if (filter === null || filter(event.type)) items.push(event);
    }
    scanned += batch.length;
    if (batch.length < (filter === null ? 1 : BATCH)) break;
  }
  return { items, cursor };
}
