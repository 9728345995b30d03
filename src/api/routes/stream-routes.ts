import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { eventFilter } from '../../outbound/event-filter.js';
import { followEvents } from '../../outbound/live/follow-events.js';
import { followTranscript, type TranscriptUpdate } from '../../outbound/live/follow-transcript.js';
import { streamSse, type SseMessage } from '../../outbound/live/server-sent-events.js';
import { eventDocument } from '../../outbound/outbound-event.js';
import type { ApiContext } from '../api-context.js';
import { notFound } from '../not-found.js';
import { idParams } from '../schemas/common-schemas.js';

const follow = z.enum(['true', 'false']).default('true').describe('`false`: send what is there now and end the stream.');
const transcriptQuery = z.strictObject({ follow });

const eventsQuery = z.strictObject({
  follow,
  after: z.coerce.number().int().min(0).optional().describe('Start after this outbox seq; default: only new events.'),
  types: z.string().regex(/^[A-Za-z0-9_.*,-]+$/).optional().describe('Comma-separated event type globs, e.g. `operation.*,credential.*`.'),
});

/**
 * Live streams as Server-Sent Events (docs/integrations.md): an operation's transcript while
 * it runs, and the outbox event stream. Both read only stored, already redacted text.
 */
export function streamRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/operations/:id/transcript/stream', {
      config: { permission: 'operation:read' },
      schema: { tags: ['operations'], summary: 'Follow the transcript as Server-Sent Events until the operation ends', params: idParams, querystring: transcriptQuery },
    }, async (request, reply) => {
      const operation = (await ctx.store.operations.get(request.params.id)) ?? notFound('operation', request.params.id);
      const options = { follow: request.query.follow === 'true' };
      await streamSse(request, reply, (signal) => transcriptMessages(followTranscript(ctx.store, operation.id, { ...options, signal })));
    });

    app.get('/events/stream', {
      config: { permission: 'event:read' },
      schema: { tags: ['events'], summary: 'Follow the event stream (outbox) as Server-Sent Events', querystring: eventsQuery },
    }, async (request, reply) => {
      const lastEventId = Number(request.headers['last-event-id']);
      const afterSeq = Number.isSafeInteger(lastEventId) && lastEventId >= 0 ? lastEventId : (request.query.after ?? null);
      const filter = request.query.types ? eventFilter(request.query.types.split(',')) : undefined;
      const options = { afterSeq, follow: request.query.follow === 'true', ...(filter ? { filter } : {}) };
      await streamSse(request, reply, (signal) => eventMessages(followEvents(ctx.store, { ...options, signal })));
    });
  };
}

async function* transcriptMessages(updates: AsyncIterable<TranscriptUpdate>): AsyncGenerator<SseMessage> {
  for await (const { kind, ...data } of updates) yield { event: kind, data };
}

async function* eventMessages(events: ReturnType<typeof followEvents>): AsyncGenerator<SseMessage> {
  for await (const event of events) yield { event: event.type, id: event.seq, data: eventDocument({ event, auditHead: null }) };
}
