/**
 * RFC 5424 message formatting. Hand-written: the npm syslog clients that format RFC 5424
 * (syslog-client and its forks) write no structured data and cannot frame by octet count
 * or speak TLS, so the library would cover the least of the work; the format itself is one
 * line of ABNF we follow field by field here.
 */

/** One SD-ELEMENT: `[id name="value" …]`. */
export interface StructuredDataElement {
  /** An SD-ID: a registered name, or `name@<private enterprise number>`. */
  readonly id: string;
  readonly params: readonly (readonly [string, string])[];
}

export interface Rfc5424Fields {
  /** 0–23. */
  readonly facility: number;
  /** 0 (emergency) – 7 (debug). */
  readonly severity: number;
  /** Epoch ms, written in UTC with milliseconds. */
  readonly timestamp: number;
  readonly hostname: string;
  readonly appName: string;
  readonly procId: string;
  readonly msgId: string;
  readonly structuredData: readonly StructuredDataElement[];
  /** Must be ASCII unless `utf8` is set; then a BOM marks it as UTF-8 (§6.4). */
  readonly message: string;
  /** @defaultValue false */
  readonly utf8?: boolean;
}

const NIL = '-';
const BOM = '\uFEFF';

/** `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD [MSG]`, without any transport framing. */
export function formatRfc5424(fields: Rfc5424Fields): string {
  const header = [
    `<${fields.facility * 8 + fields.severity}>1`,
    new Date(fields.timestamp).toISOString(),
    headerField(fields.hostname, 255),
    headerField(fields.appName, 48),
    headerField(fields.procId, 128),
    headerField(fields.msgId, 32),
    formatStructuredData(fields.structuredData),
  ].join(' ');
  if (fields.message === '') return header;
  return `${header} ${fields.utf8 ? BOM : ''}${fields.message}`;
}

/** Header fields are PRINTUSASCII (33–126) of bounded length; anything else becomes `_`, empty becomes NILVALUE. */
export function headerField(value: string, maxLength: number): string {
  const clean = value.replace(/[^\x21-\x7e]/g, '_').slice(0, maxLength);
  return clean === '' ? NIL : clean;
}

export function formatStructuredData(elements: readonly StructuredDataElement[]): string {
  if (elements.length === 0) return NIL;
  return elements.map(formatElement).join('');
}

function formatElement(element: StructuredDataElement): string {
  const params = element.params.map(([name, value]) => ` ${sdName(name)}="${escapeParamValue(value)}"`).join('');
  return `[${sdName(element.id)}${params}]`;
}

/** SD-NAME: 1–32 PRINTUSASCII except `=`, space, `]` and `"` (`@` is allowed in an SD-ID). */
function sdName(name: string): string {
  return headerField(name.replace(/[=\]"]/g, '_'), 32);
}

/**
 * RFC 5424 §6.3.3: inside PARAM-VALUE, `"`, `\` and `]` are escaped with a backslash. Control
 * characters become spaces: the RFC allows them, but a line break in a value lets text forge
 * a second line in any receiver that stores messages line by line (the exact value is still
 * in MSG, as JSON).
 */
export function escapeParamValue(value: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what this removes
  return value.replace(/["\\\]]/g, (c) => `\\${c}`).replace(/[\x00-\x1f\x7f]/g, ' ');
}
