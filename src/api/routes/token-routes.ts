import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { assertPermission } from '../../auth/principal.js';
import { issueToken } from '../../auth/token-service.js';
import type { ApiContext } from '../api-context.js';
import { principalOf } from '../authentication.js';
import { notFound } from '../not-found.js';
import { auditRequest } from '../request-audit.js';
import { idParams, pageOf } from '../schemas/common-schemas.js';
import { responses } from '../schemas/responses.js';
import { issuedTokenView, tokenInput, tokenQuery, tokenView, toTokenView } from '../schemas/user-schemas.js';

const tags = ['tokens'];

/**
 * API tokens: shown once when created, stored hashed, scoped to a subset of the creator's
 * permissions, expiring and revocable. Everyone manages their own; `user:read` lists
 * another user's and `user:write` revokes anyone's.
 */
export function tokenRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/tokens', {
      config: { permission: 'token:own' },
      schema: { tags, summary: 'List API tokens (yours by default)', querystring: tokenQuery, response: responses({ 200: pageOf(tokenView) }) },
    }, async (request) => {
      const principal = principalOf(request);
      const { userId = principal.userId, limit, after } = request.query;
      if (userId !== principal.userId) assertPermission(principal, 'user:read');
      const page = await ctx.store.apiTokens.list({ userId }, { limit, after });
      return { items: page.items.map(toTokenView), next: page.next };
    });

    app.post('/tokens', {
      config: { permission: 'token:own' },
      schema: { tags, summary: 'Create an API token (the token is in this response only)', body: tokenInput, response: responses({ 201: issuedTokenView }) },
    }, async (request, reply) => {
      const issued = await issueToken(ctx.store.apiTokens, principalOf(request), request.body, ctx.now());
      const { name, permissions } = issued.record;
      await auditRequest(ctx, request, { action: 'token.create', objectType: 'api_token', objectId: issued.record.id, changes: { name, permissions, expiresAt: issued.record.expiresAt } });
      return reply.status(201).send({ ...toTokenView(issued.record), token: issued.token });
    });

    app.delete('/tokens/:id', {
      config: { permission: 'token:own' },
      schema: { tags, summary: 'Revoke an API token', params: idParams, response: responses({ 200: tokenView }) },
    }, async (request) => {
      const principal = principalOf(request);
      const token = (await ctx.store.apiTokens.get(request.params.id)) ?? notFound('api token', request.params.id);
      if (token.userId !== principal.userId) assertPermission(principal, 'user:write');
      const revoked = await ctx.store.apiTokens.revoke(token.id, ctx.now());
      await auditRequest(ctx, request, { action: 'token.revoke', objectType: 'api_token', objectId: token.id, changes: { name: token.name, userId: token.userId } });
      return toTokenView(revoked);
    });
  };
}
