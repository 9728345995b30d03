/**
 * Canonical JSON: object keys sorted by code unit, no whitespace, strings and numbers as
 * `JSON.stringify` writes them. For the values audit events hold (strings, finite numbers,
 * booleans, null, arrays and plain objects) this is RFC 8785 (JCS), whose number and
 * string rules are exactly ECMAScript's. Written by hand because it is these few lines;
 * a library would add a dependency for no extra behaviour.
 */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') return canonicalNumber(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') return canonicalObject(value as Record<string, unknown>);
  throw new TypeError(`canonicalJson: cannot encode a ${typeof value}`);
}

function canonicalNumber(value: number): string {
  if (!Number.isFinite(value)) throw new TypeError('canonicalJson: numbers must be finite');
  return JSON.stringify(value);
}

function canonicalObject(object: Record<string, unknown>): string {
  const keys = Object.keys(object)
    .filter((key) => object[key] !== undefined)
    .sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(object[key])}`).join(',')}}`;
}
