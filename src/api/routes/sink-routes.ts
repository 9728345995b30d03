import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../auth/principal.js';
import { OstiaryError, validationError } from '../../domain/index.js';
import { parseSinkSettings } from '../../outbound/sink-settings.js';
import type { SinkKind, SinkRecord } from '../../store/sink-store.js';
import type { ApiContext } from '../api-context.js';
import { principalOf } from '../authentication.js';
import { notFound } from '../not-found.js';
import { auditRequest } from '../request-audit.js';
import { idParams, pageOf } from '../schemas/common-schemas.js';
import { responses } from '../schemas/responses.js';
import { deliveriesQuery, deliveryView, sinkChanges, sinkInput, sinkView, toDeliveryView, toSinkView } from '../schemas/sink-schemas.js';

const tags = ['sinks'];

/**
 * Outbound sinks (syslog/SIEM, webhooks; docs/integrations.md): admins list, create, change
 * and delete them, and read each one's delivery state and log. Every change is audited; the
 * signing secret is write-only and sealed by the vault.
 */
export function sinkRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/sinks', {
      config: { permission: 'sink:admin' },
      schema: { tags, summary: 'List sinks with their delivery state', response: responses({ 200: pageOf(sinkView) }) },
    }, async () => {
      const [sinks, states] = await Promise.all([ctx.store.sinks.list(), ctx.store.sinks.states()]);
      const byId = new Map(states.map((state) => [state.sinkId, state]));
      return { items: sinks.map((sink) => toSinkView(sink, byId.get(sink.id) ?? null)), next: null };
    });

    app.get('/sinks/:id', {
      config: { permission: 'sink:admin' },
      schema: { tags, summary: 'Show a sink and its delivery state', params: idParams, response: responses({ 200: sinkView }) },
    }, async (request) => {
      const sink = await existingSink(ctx, request.params.id);
      return toSinkView(sink, await ctx.store.sinks.state(sink.id));
    });

    app.get('/sinks/:id/deliveries', {
      config: { permission: 'sink:admin' },
      schema: { tags, summary: 'The delivery log of a sink, newest first', params: idParams, querystring: deliveriesQuery, response: responses({ 200: pageOf(deliveryView) }) },
    }, async (request) => {
      const sink = await existingSink(ctx, request.params.id);
      return { items: (await ctx.store.sinks.deliveries(sink.id, request.query.limit ?? 50)).map(toDeliveryView), next: null };
    });

    app.post('/sinks', {
      config: { permission: 'sink:admin' },
      schema: { tags, summary: 'Create a sink', body: sinkInput, response: responses({ 201: sinkView }) },
    }, async (request, reply) => {
      const { secret, ...input } = request.body;
      checkConfig(input.kind, input.config);
      if (input.kind === 'webhook' && secret === undefined) throw validationError('secret', 'a webhook needs a signing secret');
      const sink = await ctx.store.sinks.create({ ...input, secret: secret === undefined ? null : ctx.vault.seal(secret), actor: actorOf(principalOf(request)) });
      await auditRequest(ctx, request, { action: 'sink.create', objectType: 'sink', objectId: sink.id, changes: { ...input, secretSet: secret !== undefined } });
      return reply.status(201).send(toSinkView(sink, await ctx.store.sinks.state(sink.id)));
    });

    app.patch('/sinks/:id', {
      config: { permission: 'sink:admin' },
      schema: { tags, summary: 'Change a sink (not one the config file manages)', params: idParams, body: sinkChanges, response: responses({ 200: sinkView }) },
    }, async (request) => {
      const current = changeableSink(await existingSink(ctx, request.params.id));
      const { secret, ...changes } = request.body;
      if (changes.config !== undefined) checkConfig(current.kind, changes.config);
      const sink = await ctx.store.sinks.update(current.id, {
        ...changes,
        ...(secret === undefined ? {} : { secret: ctx.vault.seal(secret) }),
        actor: actorOf(principalOf(request)),
      });
      await auditRequest(ctx, request, { action: 'sink.update', objectType: 'sink', objectId: sink.id, changes: { ...changes, secretSet: secret !== undefined } });
      return toSinkView(sink, await ctx.store.sinks.state(sink.id));
    });

    app.delete('/sinks/:id', {
      config: { permission: 'sink:admin' },
      schema: { tags, summary: 'Delete a sink (not one the config file manages)', params: idParams, response: responses({ 204: z.null() }) },
    }, async (request, reply) => {
      const sink = changeableSink(await existingSink(ctx, request.params.id));
      await ctx.store.sinks.delete(sink.id, actorOf(principalOf(request)));
      await auditRequest(ctx, request, { action: 'sink.delete', objectType: 'sink', objectId: sink.id, changes: { name: sink.name } });
      return reply.status(204).send(null);
    });
  };
}

async function existingSink(ctx: ApiContext, id: string): Promise<SinkRecord> {
  return (await ctx.store.sinks.get(id)) ?? notFound('sink', id);
}

function changeableSink(sink: SinkRecord): SinkRecord {
  if (sink.managedBy === 'api') return sink;
  throw new OstiaryError('OST_CONFLICT', `sink ${sink.name} is managed by the config file; change it there`, { details: { id: sink.id } });
}

/** Validates the settings for the kind; `secretEnv`/`secretFile` belong to the config file only. */
function checkConfig(kind: SinkKind, config: Record<string, unknown>): void {
  parseSinkSettings(kind, config, 'config');
  for (const field of ['secretEnv', 'secretFile']) {
    if (field in config) throw validationError(`config.${field}`, 'only in the config file; give `secret` instead');
  }
}
