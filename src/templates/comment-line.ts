import type { Diagnostic, VariableDeclaration } from './ast.js';
import { diagnostic, location, quoteForMessage } from './parse-result.js';
import type { SourceLine } from './source-lines.js';
import { readVariableDeclaration } from './variables.js';

/** What a comment line contributes: usually nothing, a declaration for `#@var`. */
export interface CommentRead {
  readonly declaration: VariableDeclaration | null;
  readonly diagnostics: readonly Diagnostic[];
}

const NOTHING: CommentRead = Object.freeze({ declaration: null, diagnostics: Object.freeze([]) });
const DIRECTIVE = /^#@([A-Za-z]+)(?=\s|$)/;

export function isCommentLine(source: SourceLine): boolean {
  return source.text.startsWith('#');
}

/**
 * Reads a `#` line. `#@var` declares a variable (it stays a comment, so the reference
 * product still reads the file); another `#@word` is flagged, since it is likely a typo of
 * `#@var` that would silently declare nothing. Everything else is a plain comment.
 */
export function readCommentLine(source: SourceLine): CommentRead {
  const directive = DIRECTIVE.exec(source.text);
  if (!directive) return NOTHING;
  const word = directive[1] ?? '';
  if (word.toLowerCase() !== 'var') {
    const message = `unknown directive ${quoteForMessage(`#@${word}`)} (the only one is #@var); the line is read as a comment`;
    return { declaration: null, diagnostics: [diagnostic('warning', 'unknown-directive', message, location(source.line, source.column))] };
  }
  const argsStart = directive[0].length;
  return readVariableDeclaration(source.text.slice(argsStart), location(source.line, source.column), source.column + argsStart);
}

/**
 * Reads a comment line into the program being built: its diagnostics, and its declaration
 * unless the name is already declared (an error; the first declaration wins).
 */
export function collectComment(source: SourceLine, variables: VariableDeclaration[], diagnostics: Diagnostic[]): void {
  const read = readCommentLine(source);
  diagnostics.push(...read.diagnostics);
  const declaration = read.declaration;
  if (!declaration) return;
  const earlier = variables.find((existing) => existing.name === declaration.name);
  if (!earlier) {
    variables.push(declaration);
    return;
  }
  const message = `variable ${declaration.name} is already declared on line ${earlier.loc.line}`;
  diagnostics.push(diagnostic('error', 'duplicate-declaration', message, declaration.loc));
}
