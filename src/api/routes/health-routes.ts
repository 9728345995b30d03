import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { OstiaryError } from '../../domain/index.js';
import type { ApiContext } from '../api-context.js';
import { errorBodySchema } from '../error-body.js';

const tags = ['health'];

/** `/healthz`: the process answers. `/readyz`: it can also reach its database. */
export function healthRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/healthz', {
      config: { public: true },
      schema: { tags, summary: 'The process is alive', response: { 200: z.object({ status: z.literal('ok') }) } },
    }, async () => ({ status: 'ok' as const }));

    app.get('/readyz', {
      config: { public: true },
      schema: { tags, summary: 'The store is reachable', response: { 200: z.object({ status: z.literal('ready') }), 503: errorBodySchema } },
    }, async () => {
      try {
        await ctx.store.audit.head();
      } catch (error) {
        throw new OstiaryError('OST_STORE', 'the store is not reachable', { cause: error });
      }
      return { status: 'ready' as const };
    });
  };
}
