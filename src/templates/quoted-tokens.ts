import type { Diagnostic, SourceLocation } from './ast.js';
import { diagnostic, location } from './parse-result.js';

/** One argument of a several-argument command such as `#@var`. */
export interface Token {
  readonly value: string;
  readonly loc: SourceLocation;
  readonly quoted: boolean;
}

export interface TokenizedLine {
  readonly tokens: readonly Token[];
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Splits the arguments of a several-argument command: whitespace separates tokens; a token
 * that starts with `"` ends at the next unescaped `"`, where `\"` stands for `"` and `\\`
 * for `\` (any other backslash is kept, so regular expressions like `\d` read naturally).
 * A missing closing quote is a warning and the token runs to the end of the line.
 * Hand-written: a dozen lines, and the locations it reports are exactly the ones we need.
 */
export function tokenize(text: string, line: number, column: number): TokenizedLine {
  const tokens: Token[] = [];
  const diagnostics: Diagnostic[] = [];
  let index = skipSpace(text, 0);
  while (index < text.length) {
    const read = text[index] === '"' ? readQuoted(text, index) : readBare(text, index);
    tokens.push(Object.freeze({ value: read.value, loc: location(line, column + index), quoted: text[index] === '"' }));
    if (read.unclosed) diagnostics.push(diagnostic('warning', 'unclosed-quote', 'missing closing quote: the argument runs to the end of the line', location(line, column + index)));
    index = read.end;
    if (index < text.length && !/\s/.test(text[index] ?? '')) {
      diagnostics.push(diagnostic('error', 'unexpected-text', 'expected a space after the closing quote', location(line, column + index)));
    }
    index = skipSpace(text, index);
  }
  return { tokens, diagnostics };
}

interface ReadToken {
  readonly value: string;
  readonly end: number;
  readonly unclosed: boolean;
}

function readBare(text: string, start: number): ReadToken {
  let stop = start;
  while (stop < text.length && !/\s/.test(text[stop] ?? '')) stop += 1;
  return { value: text.slice(start, stop), end: stop, unclosed: false };
}

function readQuoted(text: string, start: number): ReadToken {
  let value = '';
  for (let index = start + 1; index < text.length; index += 1) {
    const char = text[index];
    const next = text[index + 1];
    if (char === '"') return { value, end: index + 1, unclosed: false };
    if (char === '\\' && (next === '"' || next === '\\')) {
      value += next;
      index += 1;
    } else {
      value += char;
    }
  }
  return { value, end: text.length, unclosed: true };
}

function skipSpace(text: string, index: number): number {
  let cursor = index;
  while (cursor < text.length && /\s/.test(text[cursor] ?? '')) cursor += 1;
  return cursor;
}
