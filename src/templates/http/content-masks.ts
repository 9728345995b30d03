import { OstiaryError } from '../../domain/index.js';
import type { Argument } from '../ast.js';
import { renderArgument } from '../masks.js';
import type { MaskValues } from '../masks.js';

/** How mask values are escaped in a request body, by its content type. */
export type ContentKind = 'json' | 'form' | 'xml' | 'raw';

/** `application/json` and `…+json` → json; form-urlencoded → form; `…/xml` and `…+xml` → xml; else raw. */
export function contentKindOf(contentType: string | null): ContentKind {
  const essence = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (essence === 'application/json' || essence.endsWith('+json')) return 'json';
  if (essence === 'application/x-www-form-urlencoded') return 'form';
  if (essence.endsWith('/xml') || essence.endsWith('+xml')) return 'xml';
  return 'raw';
}

/**
 * Renders request content with each mask escaped for the content type: inside a JSON string
 * (a mask outside one is refused, since a value would become JSON syntax), form-encoded,
 * XML-escaped, or — for any other type — inserted as is (the template author chose a raw
 * body; docs/sql-and-http-executors.md).
 */
export function renderContent(content: Argument, values: MaskValues, kind: ContentKind): string {
  if (kind === 'json') return renderJson(content, values);
  if (kind === 'form') return renderArgument(content, values, formEncode);
  if (kind === 'xml') return renderArgument(content, values, xmlEscape);
  return renderArgument(content, values);
}

function renderJson(content: Argument, values: MaskValues): string {
  let inString = false;
  let escaped = false;
  const pieces = content.segments.map((segment) => {
    if (segment.kind === 'mask') {
      if (!inString) throw maskOutsideString(segment.name, segment.loc.line, segment.loc.column);
      return renderArgument({ kind: 'argument', segments: [segment], loc: segment.loc }, values, jsonEscape);
    }
    for (const char of segment.text) {
      if (escaped) escaped = false;
      else if (inString && char === '\\') escaped = true;
      else if (char === '"') inString = !inString;
    }
    return segment.text;
  });
  return pieces.join('');
}

function maskOutsideString(name: string, line: number, column: number): OstiaryError {
  const message = `line ${line}, column ${column}: [#${name}#] stands outside a "…" string in JSON content; put it inside one, where it is escaped`;
  return new OstiaryError('OST_TEMPLATE_PARSE', message, { details: { field: 'template.source', line, column } });
}

/** The inside of a JSON string holding `value`. */
function jsonEscape(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

/** `application/x-www-form-urlencoded` encoding of a value, as `URLSearchParams` writes it. */
function formEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

const XML_ENTITIES: Readonly<Record<string, string>> = Object.freeze({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' });

/** Hand-written: five entities cover text and attribute values; not worth a dependency. */
function xmlEscape(value: string): string {
  return value.replace(/[&<>"']/g, (char) => XML_ENTITIES[char] ?? char);
}
