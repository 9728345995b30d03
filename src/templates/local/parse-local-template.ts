import type { Diagnostic, VariableDeclaration } from '../ast.js';
import { collectComment, isCommentLine } from '../comment-line.js';
import { scanArgument } from '../mask-segments.js';
import { location, toParseResult } from '../parse-result.js';
import type { ParseResult } from '../parse-result.js';
import { splitSourceLines } from '../source-lines.js';
import type { LocalProgram, ShellLine } from './local-program.js';

/** The program with every diagnostic, errors included; what the linter works on. */
export interface LocalParse {
  readonly program: LocalProgram;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Parses a `local`-dialect template: one shell command per line, taken as written (the
 * lenient quoting rule does not apply: quotes belong to the shell); `#` lines are comments
 * and `#@var` declares a variable. Never throws.
 */
export function parseLocalTemplate(source: string): ParseResult<LocalProgram> {
  const { program, diagnostics } = parseLocalSource(source);
  return toParseResult(program, diagnostics);
}

export function parseLocalSource(source: string): LocalParse {
  const lines: ShellLine[] = [];
  const variables: VariableDeclaration[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const line of splitSourceLines(source)) {
    if (!line.text) continue;
    if (isCommentLine(line)) {
      collectComment(line, variables, diagnostics);
      continue;
    }
    const loc = location(line.line, line.column);
    const scanned = scanArgument(line.text, loc);
    diagnostics.push(...scanned.diagnostics);
    lines.push(Object.freeze({ kind: 'shell-line', text: scanned.argument, loc }));
  }
  const program: LocalProgram = Object.freeze({ kind: 'local-program', lines: Object.freeze(lines), variables: Object.freeze(variables) });
  return { program, diagnostics };
}
