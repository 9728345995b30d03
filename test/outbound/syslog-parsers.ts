/**
 * Strict parsers for what the tests receive: RFC 5424 (every ABNF rule of §6 checked, so a
 * message a lenient receiver would accept but the RFC would not fails here) and CEF.
 */

export interface ParsedSyslog {
  readonly facility: number;
  readonly severity: number;
  readonly version: number;
  readonly timestamp: string;
  readonly hostname: string;
  readonly appName: string;
  readonly procId: string;
  readonly msgId: string;
  /** SD-ID → params, unescaped. */
  readonly sd: Record<string, Record<string, string>>;
  readonly msg: string;
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;
const PRINTUSASCII = /^[\x21-\x7e]+$/;

export function parseRfc5424(line: string): ParsedSyslog {
  const header = /^<(\d{1,3})>([1-9]\d{0,2}) (\S+) (\S+) (\S+) (\S+) (\S+) /.exec(line);
  if (!header) throw new Error(`not an RFC 5424 header: ${line.slice(0, 80)}`);
  const [, pri, version, timestamp, hostname, appName, procId, msgId] = header as unknown as string[];
  const prival = Number(pri);
  if (prival > 191 || (pri as string).length > 1 && (pri as string).startsWith('0')) throw new Error(`bad PRI ${pri}`);
  if (timestamp !== '-' && !TIMESTAMP.test(timestamp as string)) throw new Error(`bad TIMESTAMP ${timestamp}`);
  checkField('HOSTNAME', hostname as string, 255);
  checkField('APP-NAME', appName as string, 48);
  checkField('PROCID', procId as string, 128);
  checkField('MSGID', msgId as string, 32);
  const { sd, rest } = parseStructuredData(line.slice(header[0].length));
  if (rest !== '' && !rest.startsWith(' ')) throw new Error('MSG must follow SD after one space');
  return {
    facility: Math.floor(prival / 8),
    severity: prival % 8,
    version: Number(version),
    timestamp: timestamp as string,
    hostname: hostname as string,
    appName: appName as string,
    procId: procId as string,
    msgId: msgId as string,
    sd,
    msg: rest.slice(1).replace(/^\uFEFF/, ''),
  };
}

function checkField(name: string, value: string, max: number): void {
  if (value.length > max || !PRINTUSASCII.test(value)) throw new Error(`bad ${name} ${value}`);
}

function parseStructuredData(text: string): { sd: Record<string, Record<string, string>>; rest: string } {
  if (text.startsWith('-')) return { sd: {}, rest: text.slice(1) };
  const sd: Record<string, Record<string, string>> = {};
  let i = 0;
  if (text[i] !== '[') throw new Error('STRUCTURED-DATA must be - or start with [');
  while (text[i] === '[') {
    i += 1;
    const id = readName(text, i, '@');
    i += id.length;
    const params: Record<string, string> = {};
    while (text[i] === ' ') {
      const name = readName(text, i + 1, '');
      i += 1 + name.length;
      if (text.slice(i, i + 2) !== '="') throw new Error(`SD-PARAM ${name} lacks ="`);
      const { value, end } = readParamValue(text, i + 2);
      params[name] = value;
      i = end;
    }
    if (text[i] !== ']') throw new Error(`SD-ELEMENT ${id} not closed`);
    i += 1;
    if (sd[id]) throw new Error(`SD-ID ${id} appears twice`);
    sd[id] = params;
  }
  return { sd, rest: text.slice(i) };
}

function readName(text: string, start: number, extra: string): string {
  const match = /^[\x21-\x7e]+/.exec(text.slice(start));
  const name = (match?.[0] ?? '').split(/[= \]"]/)[0] ?? '';
  if (name.length === 0 || name.length > 32 + (extra ? 12 : 0)) throw new Error(`bad SD-NAME at ${start}`);
  return name;
}

/** PARAM-VALUE: `"`, `\` and `]` appear only escaped; a backslash before anything else is literal. */
function readParamValue(text: string, start: number): { value: string; end: number } {
  let value = '';
  for (let i = start; i < text.length; i += 1) {
    const c = text[i] as string;
    if (c === '\\' && ['"', '\\', ']'].includes(text[i + 1] ?? '')) {
      value += text[i + 1];
      i += 1;
    } else if (c === '"') {
      return { value, end: i + 1 };
    } else if (c === ']') {
      throw new Error('unescaped ] in PARAM-VALUE');
    } else {
      value += c;
    }
  }
  throw new Error('PARAM-VALUE not closed');
}

export interface ParsedCef {
  readonly version: string;
  readonly vendor: string;
  readonly product: string;
  readonly deviceVersion: string;
  readonly signatureId: string;
  readonly name: string;
  readonly severity: number;
  readonly extensions: Record<string, string>;
}

/** CEF: seven `|`-separated header fields (`\|`, `\\` escaped), then `key=value` pairs. */
export function parseCef(text: string): ParsedCef {
  if (!text.startsWith('CEF:')) throw new Error('not CEF');
  const fields: string[] = [];
  let current = '';
  let i = 4;
  for (; i < text.length && fields.length < 7; i += 1) {
    const c = text[i] as string;
    if (c === '\\') {
      const next = text[i + 1];
      if (next !== '|' && next !== '\\') throw new Error(`bad escape \\${next} in CEF header`);
      current += next;
      i += 1;
    } else if (c === '|') {
      fields.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  if (fields.length !== 7) throw new Error('CEF header needs 7 fields');
  const [version, vendor, product, deviceVersion, signatureId, name, severity] = fields as [string, string, string, string, string, string, string];
  return { version, vendor, product, deviceVersion, signatureId, name, severity: Number(severity), extensions: parseExtensions(text.slice(i)) };
}

/** Extension values end where the next ` key=` starts; `\=`, `\\`, `\n`, `\r` are unescaped. */
function parseExtensions(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  const keyAt = /(?:^| )([A-Za-z0-9]+)=/g;
  const starts: { key: string; valueStart: number; pairStart: number }[] = [];
  for (let match = keyAt.exec(text); match; match = keyAt.exec(text)) {
    if (isEscaped(text, match.index + match[0].length - 1)) continue;
    starts.push({ key: match[1] as string, valueStart: match.index + match[0].length, pairStart: match.index });
  }
  starts.forEach((start, n) => {
    const end = starts[n + 1]?.pairStart ?? text.length;
    result[start.key] = unescapeExtension(text.slice(start.valueStart, end));
  });
  return result;
}

function isEscaped(text: string, index: number): boolean {
  let slashes = 0;
  for (let i = index - 1; i >= 0 && text[i] === '\\'; i -= 1) slashes += 1;
  return slashes % 2 === 1;
}

function unescapeExtension(value: string): string {
  return value.replace(/\\(.)/g, (_, c: string) => {
    if (c === 'n') return '\n';
    if (c === 'r') return '\r';
    if (c === '=' || c === '\\') return c;
    throw new Error(`bad escape \\${c} in CEF extension`);
  });
}
