import type { JsonValue } from './canonical-json.js';

/**
 * Routes build an event's `changes` from the fields they changed. This guard runs on every
 * event as a second line of defence: any key that names a secret keeps only the fact that
 * it was set (`"[set]"`), never its value, however deep it sits.
 */
// A key that *ends* in a secret word (`secret`, `newPassword`, `privateKey`, `token`), so
// identifiers such as `tokenId` or `secretId` stay readable.
const SECRET_KEY = /(secret|password|passphrase|private_?key|token)$/i;

export const SECRET_PLACEHOLDER = '[set]';

export function changesWithoutSecrets(changes: Readonly<Record<string, unknown>>): { [key: string]: JsonValue } {
  const result: { [key: string]: JsonValue } = {};
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    result[key] = SECRET_KEY.test(key) ? secretMarker(value) : toJson(value);
  }
  return result;
}

function secretMarker(value: unknown): JsonValue {
  // Booleans like `hasSecret` carry no secret; keep them readable.
  if (typeof value === 'boolean' || value === null) return value;
  return SECRET_PLACEHOLDER;
}

function toJson(value: unknown): JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value === 'object') return changesWithoutSecrets(value as Record<string, unknown>);
  return String(value);
}
