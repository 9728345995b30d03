import { createHmac, timingSafeEqual } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

/**
 * The chain's head kept outside the audit table (DESIGN.md §7): whoever truncates the table
 * cannot also rewrite this signed record without the key, so a removed tail is detected.
 */
export interface AuditCheckpoint {
  readonly seq: number;
  readonly hash: string;
  /** When the checkpoint was written, epoch ms. */
  readonly at: number;
}

/**
 * What the checkpoint source said: `absent` (no file yet), `invalid` (signature or format
 * wrong), or a verified checkpoint.
 */
export type CheckpointReading =
  | { readonly state: 'absent' }
  | { readonly state: 'invalid'; readonly message: string }
  | { readonly state: 'valid'; readonly checkpoint: AuditCheckpoint };

export interface SignedAuditCheckpoint extends AuditCheckpoint {
  /** HMAC-SHA256 over the canonical JSON of `{ seq, hash, at }`, hex. */
  readonly mac: string;
}

/** Where the signed checkpoint lives (a file beside the vault key; memory in unit tests). */
export interface CheckpointStorage {
  /** The stored text, or `null` when there is none yet. */
  read(): Promise<string | null>;
  /** Replaces the stored text atomically. */
  write(text: string): Promise<void>;
}

function mac(key: Buffer, checkpoint: AuditCheckpoint): string {
  const body = canonicalJson({ seq: checkpoint.seq, hash: checkpoint.hash, at: checkpoint.at });
  return createHmac('sha256', key).update(body, 'utf8').digest('hex');
}

export function signCheckpoint(key: Buffer, checkpoint: AuditCheckpoint): SignedAuditCheckpoint {
  return { seq: checkpoint.seq, hash: checkpoint.hash, at: checkpoint.at, mac: mac(key, checkpoint) };
}

function parseSigned(text: string): SignedAuditCheckpoint | null {
  try {
    const value = JSON.parse(text) as Partial<SignedAuditCheckpoint>;
    const shapeOk = Number.isSafeInteger(value.seq) && Number.isSafeInteger(value.at)
      && typeof value.hash === 'string' && typeof value.mac === 'string';
    return shapeOk ? (value as SignedAuditCheckpoint) : null;
  } catch {
    return null;
  }
}

function macMatches(key: Buffer, signed: SignedAuditCheckpoint): boolean {
  const expected = Buffer.from(mac(key, signed), 'hex');
  const given = Buffer.from(signed.mac, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Reads and authenticates a stored checkpoint. */
export function readCheckpoint(key: Buffer, text: string | null): CheckpointReading {
  if (text === null) return { state: 'absent' };
  const signed = parseSigned(text);
  if (signed === null) return { state: 'invalid', message: 'the audit checkpoint is not readable' };
  if (!macMatches(key, signed)) return { state: 'invalid', message: 'the audit checkpoint signature does not match' };
  return { state: 'valid', checkpoint: { seq: signed.seq, hash: signed.hash, at: signed.at } };
}
