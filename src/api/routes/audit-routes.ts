import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ApiContext } from '../api-context.js';
import { auditEventView, auditQuery, toAuditEventView, toVerificationView, verificationView } from '../schemas/audit-schemas.js';
import { pageOf } from '../schemas/common-schemas.js';
import { responses } from '../schemas/responses.js';

const tags = ['audit'];

/** The audit trail, for auditors: query events and verify the chain. */
export function auditRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/audit/events', {
      config: { permission: 'audit:read' },
      schema: { tags, summary: 'Audit events, newest first, with filters', querystring: auditQuery, response: responses({ 200: pageOf(auditEventView) }) },
    }, async (request) => {
      const { limit, after, ...filter } = request.query;
      // Operation state changes reach the chain through the outbox; bring it up to date first.
      await ctx.audit.projectAll();
      const page = await ctx.store.audit.query(filter, { limit, after });
      return { items: page.items.map(toAuditEventView), next: page.next };
    });

    app.get('/audit/verify', {
      config: { permission: 'audit:read' },
      schema: { tags, summary: 'Verify the hash chain and its signed checkpoint; reports the first broken link', response: responses({ 200: verificationView }) },
    }, async () => toVerificationView(await ctx.audit.verify()));
  };
}
