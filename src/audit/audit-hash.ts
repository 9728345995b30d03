import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import type { AuditEventRecord } from '../store/access-store.js';

/** The `prevHash` of the first event. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * What an event's hash covers: everything but the hashes themselves. `seq` is inside, so
 * moving an event to another position breaks its hash.
 */
export type AuditEventContent = Omit<AuditEventRecord, 'prevHash' | 'hash'>;

/** An event linked into the chain, as the store keeps it. */
export type ChainedAuditEvent = AuditEventRecord;

/** SHA-256 over the previous hash and the canonical JSON of the content, hex. */
export function auditEventHash(prevHash: string, content: AuditEventContent): string {
  const canonical = canonicalJson({
    seq: content.seq,
    id: content.id,
    at: content.at,
    actor: content.actor,
    actorName: content.actorName,
    action: content.action,
    objectType: content.objectType,
    objectId: content.objectId,
    reason: content.reason,
    changes: content.changes,
    sourceAddress: content.sourceAddress,
  });
  return createHash('sha256').update(prevHash, 'utf8').update('\n', 'utf8').update(canonical, 'utf8').digest('hex');
}

/** Links content to the chain's head. */
export function chainEvent(prevHash: string, content: AuditEventContent): ChainedAuditEvent {
  return { ...content, prevHash, hash: auditEventHash(prevHash, content) };
}
