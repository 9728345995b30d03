import type { Diagnostic, VariableDeclaration } from '../ast.js';
import { collectComment, isCommentLine } from '../comment-line.js';
import { suggestCommand } from '../command-suggestion.js';
import { diagnostic, location, quoteForMessage, toParseResult } from '../parse-result.js';
import type { ParseResult } from '../parse-result.js';
import { splitFirstWord, splitSourceLines } from '../source-lines.js';
import type { SourceLine } from '../source-lines.js';
import { SSH_COMMANDS } from './ssh-commands.js';
import type { SshProgram, SshStep } from './ssh-program.js';

/** The program with every diagnostic, errors included; what the linter works on. */
export interface SshParse {
  readonly program: SshProgram;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Parses an SSH-dialect template (DESIGN §5). Never throws: every problem is a located
 * diagnostic, and the result is `ok` only when none is an error.
 */
export function parseSshTemplate(source: string): ParseResult<SshProgram> {
  const { program, diagnostics } = parseSshSource(source);
  return toParseResult(program, diagnostics);
}

/** Parses as far as possible, keeping the valid steps even when other lines have errors. */
export function parseSshSource(source: string): SshParse {
  const steps: SshStep[] = [];
  const variables: VariableDeclaration[] = [];
  const diagnostics: Diagnostic[] = [];
  let endLine: number | null = null;
  for (const line of splitSourceLines(source)) {
    if (!line.text) continue;
    if (isCommentLine(line)) {
      collectComment(line, variables, diagnostics);
      continue;
    }
    const parsed = parseCommandLine(line);
    diagnostics.push(...parsed.diagnostics);
    if (endLine !== null) diagnostics.push(afterEnd(line, endLine));
    else if (parsed.step) steps.push(parsed.step);
    if (parsed.step?.kind === 'end' && endLine === null) endLine = line.line;
  }
  const program: SshProgram = Object.freeze({ kind: 'ssh-program', steps: Object.freeze(steps), variables: Object.freeze(variables) });
  return { program, diagnostics };
}

/** The names `parseSshTemplate` accepts, lower-case. */
export function sshCommandNames(): string[] {
  return [...SSH_COMMANDS.keys()];
}

function parseCommandLine(line: SourceLine): { step: SshStep | null; diagnostics: readonly Diagnostic[] } {
  const { word, rest, restColumn } = splitFirstWord(line);
  const loc = location(line.line, line.column);
  const command = SSH_COMMANDS.get(word.toLowerCase());
  if (!command) return { step: null, diagnostics: [unknownCommand(word, line)] };
  return command({ loc, rest, restColumn }, word.toLowerCase());
}

function unknownCommand(word: string, line: SourceLine): Diagnostic {
  const suggestion = suggestCommand(word, sshCommandNames());
  const hint = suggestion ? `; did you mean ${suggestion}?` : '';
  const message = `unknown command ${quoteForMessage(word)}${hint} (comments start with #)`;
  return diagnostic('error', 'unknown-command', message, location(line.line, line.column));
}

function afterEnd(line: SourceLine, endLine: number): Diagnostic {
  return diagnostic('warning', 'after-end', `this line follows end (line ${endLine}) and never runs`, location(line.line, line.column));
}
