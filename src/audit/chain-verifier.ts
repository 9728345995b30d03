import { auditEventHash, GENESIS_HASH } from './audit-hash.js';
import type { ChainedAuditEvent } from './audit-hash.js';
import type { AuditCheckpoint, CheckpointReading } from './audit-checkpoint.js';

/** Why a link is broken; stable strings that reports and tests rely on. */
export const CHAIN_BREAK_REASONS = [
  'seq_gap',
  'prev_hash_mismatch',
  'hash_mismatch',
  'checkpoint_invalid',
  'checkpoint_missing',
  'checkpoint_ahead_of_chain',
  'checkpoint_hash_mismatch',
] as const;
export type ChainBreakReason = (typeof CHAIN_BREAK_REASONS)[number];

export interface ChainBreak {
  /** The first sequence number that does not check out. */
  readonly seq: number;
  readonly reason: ChainBreakReason;
  readonly message: string;
}

export interface ChainVerification {
  readonly ok: boolean;
  readonly eventsChecked: number;
  /** The last event read, as stored. */
  readonly head: { readonly seq: number; readonly hash: string } | null;
  readonly checkpoint: AuditCheckpoint | null;
  readonly broken: ChainBreak | null;
}

interface Cursor {
  expectedSeq: number;
  prevHash: string;
  checked: number;
  hashAtCheckpoint: string | null;
}

function checkLink(event: ChainedAuditEvent, cursor: Cursor): ChainBreak | null {
  if (event.seq !== cursor.expectedSeq) {
    return { seq: cursor.expectedSeq, reason: 'seq_gap', message: `expected event ${cursor.expectedSeq}, found ${event.seq}` };
  }
  if (event.prevHash !== cursor.prevHash) {
    return { seq: event.seq, reason: 'prev_hash_mismatch', message: `event ${event.seq} does not link to event ${event.seq - 1}` };
  }
  if (auditEventHash(event.prevHash, event) !== event.hash) {
    return { seq: event.seq, reason: 'hash_mismatch', message: `event ${event.seq} was changed after it was written` };
  }
  return null;
}

function checkCheckpoint(reading: CheckpointReading, cursor: Cursor): ChainBreak | null {
  const lastSeq = cursor.expectedSeq - 1;
  if (reading.state === 'invalid') return { seq: lastSeq, reason: 'checkpoint_invalid', message: reading.message };
  if (reading.state === 'absent') {
    if (lastSeq === 0) return null;
    return { seq: lastSeq, reason: 'checkpoint_missing', message: 'the chain has events but its signed checkpoint is missing' };
  }
  const { seq, hash } = reading.checkpoint;
  if (seq > lastSeq) {
    return { seq: lastSeq + 1, reason: 'checkpoint_ahead_of_chain', message: `the checkpoint records event ${seq}, the chain ends at ${lastSeq}: its tail was removed` };
  }
  if (seq > 0 && cursor.hashAtCheckpoint !== hash) {
    return { seq, reason: 'checkpoint_hash_mismatch', message: `event ${seq} differs from the signed checkpoint` };
  }
  return null;
}

/** The outcome of walking the links alone, without a checkpoint. */
export interface LinkWalk {
  readonly eventsChecked: number;
  readonly head: ChainVerification['head'];
  readonly broken: ChainBreak | null;
  /** The stored hash of the event at `hashAtSeq`, when the walk passed it. */
  readonly hashAtSeq: string | null;
}

/** Walks the events in `seq` order and stops at the first broken link. */
export async function walkLinks(events: AsyncIterable<ChainedAuditEvent>, hashAtSeq = -1): Promise<LinkWalk> {
  const cursor: Cursor = { expectedSeq: 1, prevHash: GENESIS_HASH, checked: 0, hashAtCheckpoint: null };
  let head: ChainVerification['head'] = null;
  for await (const event of events) {
    const broken = checkLink(event, cursor);
    if (broken !== null) return { eventsChecked: cursor.checked, head, broken, hashAtSeq: cursor.hashAtCheckpoint };
    if (event.seq === hashAtSeq) cursor.hashAtCheckpoint = event.hash;
    cursor.expectedSeq += 1;
    cursor.prevHash = event.hash;
    cursor.checked += 1;
    head = { seq: event.seq, hash: event.hash };
  }
  return { eventsChecked: cursor.checked, head, broken: null, hashAtSeq: cursor.hashAtCheckpoint };
}

/**
 * Walks the events in `seq` order and reports the first broken link: a missing or
 * reordered event, an event that does not cover its predecessor, an edited event, or a
 * chain shorter than (or different from) its signed checkpoint.
 */
export async function verifyChain(
  events: AsyncIterable<ChainedAuditEvent>,
  checkpoint: CheckpointReading,
): Promise<ChainVerification> {
  const cp = checkpoint.state === 'valid' ? checkpoint.checkpoint : null;
  const walk = await walkLinks(events, cp?.seq ?? -1);
  const base = { eventsChecked: walk.eventsChecked, head: walk.head, checkpoint: cp };
  if (walk.broken !== null) return { ...base, ok: false, broken: walk.broken };
  const cursor: Cursor = { expectedSeq: (walk.head?.seq ?? 0) + 1, prevHash: '', checked: walk.eventsChecked, hashAtCheckpoint: walk.hashAtSeq };
  const broken = checkCheckpoint(checkpoint, cursor);
  return { ...base, ok: broken === null, broken };
}
