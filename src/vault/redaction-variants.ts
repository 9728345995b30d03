/**
 * The forms a secret may take in output, besides itself (docs/vault.md, "Redaction"). Each is
 * something an executor, a device or a library commonly does to a value on its way into a
 * transcript or an error message.
 */
export function secretVariants(secret: string): readonly string[] {
  if (secret === '') return [];
  const forms = new Set<string>([secret, ...escapedForms(secret), ...lineForms(secret), ...base64Forms(secret)]);
  forms.delete('');
  return [...forms];
}

function escapedForms(secret: string): string[] {
  return [
    JSON.stringify(secret).slice(1, -1),
    asciiJson(secret),
    ...urlForms(secret),
    // An SQL string literal doubles its quotes ('O''Brien').
    secret.replaceAll("'", "''"),
  ];
}

/** JSON with every non-ASCII character as `\uXXXX`, as Python's json.dumps writes it. */
function asciiJson(secret: string): string {
  return JSON.stringify(secret)
    .slice(1, -1)
    .replace(/[\u0080-\uffff]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function urlForms(secret: string): string[] {
  let component: string;
  try {
    component = encodeURIComponent(secret);
  } catch {
    return []; // a lone surrogate cannot be URL-encoded, so it never appears URL-encoded either
  }
  const strict = component.replace(/[!'()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
  return [component, strict, component.replaceAll('%20', '+'), strict.replaceAll('%20', '+')];
}

/** Shortest line of a multi-line secret worth matching alone (a private key's body lines are 64). */
const MIN_LINE_LENGTH = 16;

/**
 * A terminal turns `\n` into `\r\n`, so a multi-line secret (a private key) echoed through a
 * PTY arrives with CRLF; and printing one line of it leaks part of it. PEM armour lines
 * (`-----BEGIN …`) are not secret and are left alone.
 */
function lineForms(secret: string): string[] {
  if (!secret.includes('\n')) return [];
  const lines = secret
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length >= MIN_LINE_LENGTH && !line.startsWith('-----'));
  return [secret.replace(/\r?\n/g, '\r\n'), ...lines];
}

/** Below this many bytes the base64 forms are too short to tell apart from other base64. */
const MIN_BASE64_BYTES = 6;

/**
 * Base64 of the UTF-8 value, standard and URL-safe alphabets: alone (with and without
 * padding), and embedded in a longer encoded string at any byte offset, as in HTTP Basic
 * authentication (`base64(user:password)`). Embedded, only the characters that depend on
 * the value's bytes alone are matched; the one or two characters at each edge that mix in
 * neighbouring bytes are not (they carry at most 4 bits of the value each).
 */
function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  if (bytes.length < MIN_BASE64_BYTES) return [];
  const whole = bytes.toString('base64');
  const standard = [whole, whole.replace(/=+$/, ''), ...[0, 1, 2].map((offset) => embedded(bytes, offset))];
  return [...standard, ...standard.map((form) => form.replaceAll('+', '-').replaceAll('/', '_'))];
}

function embedded(bytes: Buffer, offset: number): string {
  const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
  const first = Math.ceil((8 * offset) / 6);
  const end = Math.floor((8 * (offset + bytes.length)) / 6);
  return encoded.slice(first, end);
}
