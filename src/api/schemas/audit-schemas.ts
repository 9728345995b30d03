import { z } from 'zod';
import type { ChainedAuditEvent } from '../../audit/audit-hash.js';
import { CHAIN_BREAK_REASONS } from '../../audit/chain-verifier.js';
import type { ChainVerification } from '../../audit/chain-verifier.js';
import { dateFilter, iso, timestamp } from './common-schemas.js';

export const auditQuery = z.strictObject({
  actor: z.string().min(1).max(200).optional().describe('`user:<id>`, `token:<id>`, `system:engine`, `anonymous`.'),
  action: z.string().min(1).max(200).optional().describe('e.g. `credential.reveal`, `auth.login_failed`.'),
  objectType: z.string().min(1).max(100).optional(),
  objectId: z.string().min(1).max(200).optional(),
  from: dateFilter.optional().describe('At or after (ISO 8601 or epoch ms).'),
  to: dateFilter.optional().describe('Before (ISO 8601 or epoch ms).'),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  after: z.string().min(1).max(512).optional(),
});

export const auditEventView = z
  .object({
    seq: z.number().int(),
    id: z.string(),
    at: timestamp,
    actor: z.string(),
    actorName: z.string().nullable(),
    action: z.string(),
    objectType: z.string().nullable(),
    objectId: z.string().nullable(),
    reason: z.string().nullable(),
    changes: z.record(z.string(), z.unknown()),
    sourceAddress: z.string().nullable(),
    prevHash: z.string(),
    hash: z.string(),
  })
  .meta({ id: 'AuditEvent' });

const headView = z.object({ seq: z.number().int(), hash: z.string() }).nullable();

export const verificationView = z
  .object({
    ok: z.boolean(),
    eventsChecked: z.number().int(),
    head: headView,
    checkpoint: z.object({ seq: z.number().int(), hash: z.string(), at: timestamp }).nullable(),
    broken: z.object({ seq: z.number().int(), reason: z.enum(CHAIN_BREAK_REASONS), message: z.string() }).nullable(),
  })
  .meta({ id: 'AuditVerification' });

export function toAuditEventView(event: ChainedAuditEvent): z.infer<typeof auditEventView> {
  return { ...event, at: iso(event.at) };
}

export function toVerificationView(result: ChainVerification): z.infer<typeof verificationView> {
  const checkpoint = result.checkpoint === null ? null : { ...result.checkpoint, at: iso(result.checkpoint.at) };
  return { ok: result.ok, eventsChecked: result.eventsChecked, head: result.head, checkpoint, broken: result.broken };
}
