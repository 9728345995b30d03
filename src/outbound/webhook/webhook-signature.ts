import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header that carries the signature: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const SIGNATURE_HEADER = 'ostiary-signature';

/** How far a signature's timestamp may be from the receiver's clock. @defaultValue 300 seconds */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** HMAC-SHA256 over `${timestamp}.${body}` with the webhook's secret, hex. */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

/** The `Ostiary-Signature` header value for a body sent at `timestamp` (unix seconds). */
export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${webhookSignature(secret, timestamp, body)}`;
}

export interface VerifyOptions {
  /** @defaultValue {@link DEFAULT_TOLERANCE_SECONDS} */
  readonly toleranceSeconds?: number;
  /** The receiver's clock, unix seconds. @defaultValue now */
  readonly now?: number;
}

export type VerifyResult =
  | { readonly ok: true; readonly timestamp: number }
  | { readonly ok: false; readonly reason: 'malformed' | 'stale' | 'mismatch' };

/**
 * Checks a webhook request the way a receiver should: parse the header, refuse a timestamp
 * outside the tolerance (a replayed request), recompute the HMAC over the raw body exactly as
 * received, and compare in constant time. Several `v1=` values (during a secret change) are
 * accepted if any matches.
 */
export function verifyWebhookSignature(secret: string, header: string | undefined, rawBody: string, options: VerifyOptions = {}): VerifyResult {
  const parsed = parseHeader(header ?? '');
  if (!parsed) return { ok: false, reason: 'malformed' };
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - parsed.timestamp) > (options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) return { ok: false, reason: 'stale' };
  const expected = Buffer.from(webhookSignature(secret, parsed.timestamp, rawBody), 'hex');
  const match = parsed.signatures.some((hex) => {
    const given = Buffer.from(hex, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return match ? { ok: true, timestamp: parsed.timestamp } : { ok: false, reason: 'mismatch' };
}

function parseHeader(header: string): { timestamp: number; signatures: string[] } | null {
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === 't' && value && /^\d+$/.test(value)) timestamp = Number(value);
    if (key === 'v1' && value && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
  }
  return timestamp === null || signatures.length === 0 ? null : { timestamp, signatures };
}
