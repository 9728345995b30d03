import type { FastifyRequest } from 'fastify';
import type { AuditEntry } from '../audit/audit-entry.js';
import type { ChainedAuditEvent } from '../audit/audit-hash.js';
import { actorOf } from '../auth/principal.js';
import type { ApiContext } from './api-context.js';
import { principalOf } from './authentication.js';

export type RequestAuditEntry = Omit<AuditEntry, 'actor' | 'actorName' | 'sourceAddress'>;

/**
 * Appends the audit event of a request made by an authenticated principal: actor, name and
 * source address come from the request, the rest from the route.
 */
export function auditRequest(ctx: ApiContext, request: FastifyRequest, entry: RequestAuditEntry): Promise<ChainedAuditEvent> {
  const principal = principalOf(request);
  return ctx.audit.record({ ...entry, actor: actorOf(principal), actorName: principal.username, sourceAddress: request.ip });
}
