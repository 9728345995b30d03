/**
 * ArcSight Common Event Format:
 * `CEF:Version|Device Vendor|Device Product|Device Version|Signature ID|Name|Severity|Extension`.
 * Hand-written for the same reason as the RFC 5424 formatter; the escaping rules are the
 * spec's: in header fields `\` and `|` are escaped; in extension values `\`, `=` and line
 * breaks (`\n`, `\r`).
 */

export interface CefFields {
  readonly vendor: string;
  readonly product: string;
  readonly version: string;
  readonly signatureId: string;
  readonly name: string;
  /** 0 (lowest) – 10 (highest). */
  readonly severity: number;
  /** Keys are CEF extension keys (letters and digits); values are escaped here. */
  readonly extensions: readonly (readonly [string, string])[];
}

export function formatCef(fields: CefFields): string {
  const header = [fields.vendor, fields.product, fields.version, fields.signatureId, fields.name].map(escapeCefHeader);
  const extension = fields.extensions.map(([key, value]) => `${extensionKey(key)}=${escapeCefExtension(value)}`).join(' ');
  return `CEF:0|${header.join('|')}|${Math.trunc(Math.min(10, Math.max(0, fields.severity)))}|${extension}`;
}

/** Header fields: `\` → `\\`, `|` → `\|`; a line break cannot appear in a header, so it becomes a space. */
export function escapeCefHeader(value: string): string {
  return value.replace(/[\\|]/g, (c) => `\\${c}`).replace(/\r\n|[\r\n]/g, ' ');
}

/** Extension values: `\` → `\\`, `=` → `\=`, CR → `\r`, LF → `\n`; other control characters become spaces. */
export function escapeCefExtension(value: string): string {
  return value
    .replace(/[\\=\r\n]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : `\\${c}`))
    // eslint-disable-next-line no-control-regex -- control characters are what this removes
    .replace(/[\x00-\x1f\x7f]/g, ' ');
}

function extensionKey(key: string): string {
  if (!/^[A-Za-z0-9]+$/.test(key)) throw new Error(`CEF extension key ${JSON.stringify(key)} is not alphanumeric`);
  return key;
}
