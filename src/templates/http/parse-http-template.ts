import { OstiaryError } from '../../domain/index.js';
import type { Diagnostic, VariableDeclaration } from '../ast.js';
import { collectComment, isCommentLine } from '../comment-line.js';
import { suggestCommand } from '../command-suggestion.js';
import { diagnostic, location, quoteForMessage, toParseResult } from '../parse-result.js';
import type { ParseResult } from '../parse-result.js';
import { splitFirstWord, splitSourceLines } from '../source-lines.js';
import type { SourceLine } from '../source-lines.js';
import { HTTP_COMMANDS } from './http-commands.js';
import type { HttpProgram, HttpStep } from './http-program.js';

/** The program with every diagnostic, errors included; what the linter works on. */
export interface HttpParse {
  readonly program: HttpProgram;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Parses an HTTP-dialect template (DESIGN §5): one command per line, `#` lines are comments
 * (`#@var` declares a variable), one-argument commands follow the lenient quoting rule.
 * Never throws: every problem is a located diagnostic.
 */
export function parseHttpTemplate(source: string): ParseResult<HttpProgram> {
  const { program, diagnostics } = parseHttpSource(source);
  return toParseResult(program, diagnostics);
}

/** Parses as far as possible, keeping the valid steps even when other lines have errors. */
export function parseHttpSource(source: string): HttpParse {
  const steps: HttpStep[] = [];
  const variables: VariableDeclaration[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const line of splitSourceLines(source)) {
    if (!line.text) continue;
    if (isCommentLine(line)) {
      collectComment(line, variables, diagnostics);
      continue;
    }
    const parsed = parseCommandLine(line);
    diagnostics.push(...parsed.diagnostics);
    if (parsed.step) steps.push(parsed.step);
  }
  diagnostics.push(...orderDiagnostics(steps));
  const program: HttpProgram = Object.freeze({ kind: 'http-program', steps: Object.freeze(steps), variables: Object.freeze(variables) });
  return { program, diagnostics };
}

/**
 * Parses or throws `OST_TEMPLATE_PARSE` naming the first error's line and column;
 * `details.diagnostics` holds them all. For the executor handed a stored version.
 */
export function parseHttpTemplateOrThrow(source: string): HttpProgram {
  const result = parseHttpTemplate(source);
  if (result.ok) return result.value;
  const errors = result.diagnostics.filter((entry) => entry.severity === 'error');
  const first = errors[0];
  const where = first ? `line ${first.loc.line}, column ${first.loc.column}: ${first.message}` : 'unknown error';
  throw new OstiaryError('OST_TEMPLATE_PARSE', `http template: ${where}`, { details: { field: 'template.source', diagnostics: errors } });
}

/** The names `parseHttpTemplate` accepts, lower-case. */
export function httpCommandNames(): string[] {
  return [...HTTP_COMMANDS.keys()];
}

function parseCommandLine(line: SourceLine): { step: HttpStep | null; diagnostics: readonly Diagnostic[] } {
  const { word, rest, restColumn } = splitFirstWord(line);
  const command = HTTP_COMMANDS.get(word.toLowerCase());
  if (command) return command({ loc: location(line.line, line.column), rest, restColumn }, word.toLowerCase());
  const suggestion = suggestCommand(word, httpCommandNames());
  const hint = suggestion ? `; did you mean ${suggestion}?` : '';
  return { step: null, diagnostics: [diagnostic('error', 'unknown-command', `unknown command ${quoteForMessage(word)}${hint} (comments start with #)`, location(line.line, line.column))] };
}

/** A check needs a response to check; a template that never requests does nothing. */
function orderDiagnostics(steps: readonly HttpStep[]): Diagnostic[] {
  const firstRequest = steps.findIndex((step) => step.kind === 'request');
  const early = steps.filter((step, index) => (step.kind === 'expect' || step.kind === 'no-expect') && (firstRequest === -1 || index < firstRequest));
  const problems = early.map((step) => diagnostic('error', 'expect-before-request', `${step.kind} checks the response to a request; no request comes before it`, step.loc));
  if (firstRequest === -1 && steps.length > 0) problems.push(diagnostic('warning', 'no-request', 'the template never sends a request', steps[0]?.loc ?? location(1, 1)));
  return problems;
}
