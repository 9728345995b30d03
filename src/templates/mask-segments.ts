import type { Argument, Diagnostic, MaskSegment, Segment, SourceLocation } from './ast.js';
import { diagnostic, location, quoteForMessage } from './parse-result.js';

const MASK_OPEN = '[#';
const MASK_CLOSE = '#]';
const MASK_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Longer runs between `[#` and `#]` are plain text; the cap keeps the scan linear. */
const MAX_MASK_NAME = 64;

/** An argument's text split into literal text and masks, with what the scan noticed. */
export interface ScannedArgument {
  readonly argument: Argument;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Splits argument text into text and `[#NAME#]` masks. A `[#` that does not open a valid
 * mask stays literal text, so `echo "[# not a mask"` sends exactly that. Mask names are
 * upper-cased; a lower-case name is accepted with a warning.
 */
export function scanArgument(text: string, loc: SourceLocation): ScannedArgument {
  const segments: Segment[] = [];
  const diagnostics: Diagnostic[] = [];
  let literal = '';
  let cursor = 0;
  // The next `#]` only moves forward, which keeps the scan linear on hostile input.
  let close = text.indexOf(MASK_CLOSE);
  for (let open = text.indexOf(MASK_OPEN); open !== -1; open = text.indexOf(MASK_OPEN, cursor)) {
    if (close !== -1 && close < open + MASK_OPEN.length) close = text.indexOf(MASK_CLOSE, open + MASK_OPEN.length);
    if (close === -1) break;
    const nameLength = close - open - MASK_OPEN.length;
    const name = nameLength > MAX_MASK_NAME ? '' : text.slice(open + MASK_OPEN.length, close);
    const maskLoc = location(loc.line, loc.column + open);
    if (nameLength > MAX_MASK_NAME || !MASK_NAME.test(name)) {
      if (looksLikeMask(name)) diagnostics.push(malformedMask(name, maskLoc));
      literal += text.slice(cursor, open + 1);
      cursor = open + 1;
      continue;
    }
    if (name !== name.toUpperCase()) diagnostics.push(lowerCaseMask(name, maskLoc));
    literal += text.slice(cursor, open);
    if (literal) segments.push(textSegment(literal));
    literal = '';
    segments.push(maskSegment(name.toUpperCase(), maskLoc));
    cursor = close + MASK_CLOSE.length;
  }
  literal += text.slice(cursor);
  if (literal) segments.push(textSegment(literal));
  const argument: Argument = Object.freeze({ kind: 'argument', segments: Object.freeze(segments), loc: location(loc.line, loc.column) });
  return { argument, diagnostics };
}

/** The masks of an argument, in source order. */
export function masksOf(argument: Argument): MaskSegment[] {
  return argument.segments.filter((segment): segment is MaskSegment => segment.kind === 'mask');
}

/** The argument's literal text only, masks left out. */
export function literalTextOf(argument: Argument): string {
  return argument.segments.map((segment) => (segment.kind === 'text' ? segment.text : '')).join('');
}

/** The argument as it was written, masks included as `[#NAME#]`. */
export function sourceTextOf(argument: Argument): string {
  return argument.segments.map((segment) => (segment.kind === 'text' ? segment.text : `[#${segment.name}#]`)).join('');
}

/** `[#SERVICE NAME#]` looks like a mask gone wrong; `[#` … `#]` spanning other text does not. */
function looksLikeMask(name: string): boolean {
  return name.length > 0 && !name.includes(MASK_OPEN) && !name.includes('"');
}

function textSegment(text: string): Segment {
  return Object.freeze({ kind: 'text', text });
}

function maskSegment(name: string, loc: SourceLocation): MaskSegment {
  return Object.freeze({ kind: 'mask', name, loc });
}

function malformedMask(name: string, loc: SourceLocation): Diagnostic {
  const message = `${quoteForMessage(`[#${name}#]`)} is not a mask (a name is letters, digits and _); it is sent as written`;
  return diagnostic('warning', 'malformed-mask', message, loc);
}

function lowerCaseMask(name: string, loc: SourceLocation): Diagnostic {
  const message = `masks are written in upper case: [#${name.toUpperCase()}#]`;
  return diagnostic('warning', 'mask-case', message, loc);
}
