import type { Segment, SourceLocation } from '../ast.js';
import { location } from '../parse-result.js';

/**
 * Readers for the pieces of SQL source whose extent the server decides: quoted strings and
 * identifiers, dollar-quoted strings, comments, words. Each takes the source and a start
 * index and returns where the piece ends. Hand-written because no maintained SQL tokenizer
 * for JavaScript reports, for every `[#MASK#]`, whether it stands inside a string, an
 * identifier or a comment under a given server's quoting rules — which is the whole point.
 */

/** Maps an index in the source to a 1-based line and column (UTF-16 code units). */
export class SourceIndex {
  readonly #lineStarts: number[] = [0];

  constructor(readonly source: string) {
    for (let index = 0; index < source.length; index += 1) {
      const char = source[index];
      if (char === '\n' || (char === '\r' && source[index + 1] !== '\n')) this.#lineStarts.push(index + 1);
    }
  }

  locate(index: number): SourceLocation {
    let low = 0;
    let high = this.#lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((this.#lineStarts[middle] ?? 0) <= index) low = middle;
      else high = middle - 1;
    }
    return location(low + 1, index - (this.#lineStarts[low] ?? 0) + 1);
  }
}

/** A mask as the templates core reads it (`mask-segments.ts`): `[#NAME#]`, name up to 64 characters. */
const MASK = /\[#([A-Za-z_][A-Za-z0-9_]{0,63})#\]/y;
const ANY_MASK = /\[#[A-Za-z_][A-Za-z0-9_]{0,63}#\]/;

export interface MaskMatch {
  /** Upper-case. */
  readonly name: string;
  readonly length: number;
  /** As written, for the `mask-case` warning. */
  readonly written: string;
}

export function maskAt(source: string, index: number): MaskMatch | null {
  MASK.lastIndex = index;
  const match = MASK.exec(source);
  if (!match) return null;
  const written = match[1] ?? '';
  return { name: written.toUpperCase(), length: match[0].length, written };
}

/** Index of the first mask in `source[start, end)`, or -1. */
export function firstMaskIn(source: string, start: number, end: number): number {
  const found = ANY_MASK.exec(source.slice(start, end));
  return found ? start + found.index : -1;
}

/** A quoted string or identifier: where it ends and its value as text and masks. */
export interface QuotedRead {
  /** Index just after the closing quote (or the end of the source when unclosed). */
  readonly end: number;
  readonly closed: boolean;
  readonly segments: readonly Segment[];
  readonly masks: readonly { readonly name: string; readonly written: string; readonly index: number }[];
}

/**
 * Reads `'…'`, `"…"` or `` `…` `` starting at the opening quote. A doubled quote stands for
 * one; with `backslashEscapes` a backslash escapes the next character (MySQL strings,
 * PostgreSQL `E'…'`). Text segments hold the decoded value, so the driver can re-quote it.
 */
export function readQuoted(index: SourceIndex, start: number, backslashEscapes: boolean): QuotedRead {
  const source = index.source;
  const quote = source[start];
  const segments: Segment[] = [];
  const masks: { name: string; written: string; index: number }[] = [];
  let text = '';
  let cursor = start + 1;
  while (cursor < source.length) {
    const char = source[cursor] ?? '';
    if (char === quote && source[cursor + 1] === quote) {
      text += quote;
      cursor += 2;
    } else if (char === quote) {
      return finishQuoted(cursor + 1, true, segments, text, masks);
    } else if (char === '\\' && backslashEscapes && cursor + 1 < source.length) {
      text += decodeBackslash(source[cursor + 1] ?? '');
      cursor += 2;
    } else {
      const mask = maskAt(source, cursor);
      if (mask) {
        if (text) segments.push(textSegment(text));
        text = '';
        segments.push(Object.freeze({ kind: 'mask', name: mask.name, loc: index.locate(cursor) }));
        masks.push({ name: mask.name, written: mask.written, index: cursor });
        cursor += mask.length;
      } else {
        text += char;
        cursor += 1;
      }
    }
  }
  return finishQuoted(source.length, false, segments, text, masks);
}

function finishQuoted(end: number, closed: boolean, segments: Segment[], text: string, masks: QuotedRead['masks']): QuotedRead {
  if (text) segments.push(textSegment(text));
  return { end, closed, segments: Object.freeze(segments), masks };
}

/** MySQL's escapes inside strings; `\%` and `\_` keep their backslash (they are for LIKE). */
const BACKSLASH_ESCAPES: Readonly<Record<string, string>> = Object.freeze({
  '0': '\0',
  b: '\b',
  n: '\n',
  r: '\r',
  t: '\t',
  Z: '\x1a',
  '%': '\\%',
  _: '\\_',
});

function decodeBackslash(char: string): string {
  return BACKSLASH_ESCAPES[char] ?? char;
}

function textSegment(text: string): Segment {
  return Object.freeze({ kind: 'text', text });
}

const DOLLAR_TAG = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;

/** The `$tag$` opening a dollar-quoted string at `start`, or null. */
export function dollarTagAt(source: string, start: number): string | null {
  DOLLAR_TAG.lastIndex = start;
  return DOLLAR_TAG.exec(source)?.[0] ?? null;
}

/** Index just after the closing tag, or -1 when the string never closes. */
export function dollarQuotedEnd(source: string, start: number, tag: string): number {
  const close = source.indexOf(tag, start + tag.length);
  return close === -1 ? -1 : close + tag.length;
}

/** Index of the line ending that ends a `--` or `#` comment (or the end of the source). */
export function lineCommentEnd(source: string, start: number): number {
  for (let cursor = start; cursor < source.length; cursor += 1) {
    if (source[cursor] === '\n' || source[cursor] === '\r') return cursor;
  }
  return source.length;
}

/** Index just after the `*\/` closing a block comment at `start`, or -1 when unclosed. */
export function blockCommentEnd(source: string, start: number, nested: boolean): number {
  let depth = 0;
  let cursor = start;
  while (cursor < source.length) {
    if (source.startsWith('/*', cursor)) {
      depth = nested || depth === 0 ? depth + 1 : depth;
      cursor += 2;
    } else if (source.startsWith('*/', cursor)) {
      depth -= 1;
      cursor += 2;
      if (depth === 0) return cursor;
    } else {
      cursor += 1;
    }
  }
  return -1;
}

/** Characters of an unquoted word; both servers take every non-ASCII character as one. */
export function isWordChar(char: string | undefined, dollarInWords: boolean): boolean {
  if (char === undefined) return false;
  return /[A-Za-z0-9_]/.test(char) || (dollarInWords && char === '$') || char.charCodeAt(0) >= 0x80;
}

/** A word: identifier characters and masks, e.g. `app_[#NAME#]`. */
export interface WordRead {
  readonly end: number;
  readonly segments: readonly Segment[];
  readonly masks: readonly { readonly name: string; readonly written: string; readonly index: number }[];
}

export function readWord(index: SourceIndex, start: number): WordRead {
  const source = index.source;
  const segments: Segment[] = [];
  const masks: { name: string; written: string; index: number }[] = [];
  let text = '';
  let cursor = start;
  for (;;) {
    const mask = maskAt(source, cursor);
    if (mask) {
      if (text) segments.push(textSegment(text));
      text = '';
      segments.push(Object.freeze({ kind: 'mask', name: mask.name, loc: index.locate(cursor) }));
      masks.push({ name: mask.name, written: mask.written, index: cursor });
      cursor += mask.length;
    } else if (isWordChar(source[cursor], true)) {
      text += source[cursor];
      cursor += 1;
    } else {
      break;
    }
  }
  if (text) segments.push(textSegment(text));
  return { end: cursor, segments: Object.freeze(segments), masks };
}
