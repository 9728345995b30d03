import { OstiaryError, validationError } from '../domain/index.js';
import type { Diagnostic, SourceLocation, VariableDeclaration } from './ast.js';
import { isBuiltInMask } from './masks.js';
import { diagnostic, location, quoteForMessage } from './parse-result.js';
import { tokenize } from './quoted-tokens.js';
import type { Token } from './quoted-tokens.js';
import { regexProblem } from './regex-error.js';

/**
 * Values a task variable may take when its template declares no pattern: nothing a shell
 * or a device CLI would read as syntax (no space, quote, `;`, `|`, `$`, backtick, newline).
 */
export const SAFE_VARIABLE_VALUE = /^[A-Za-z0-9_.:@/+=,-]*$/;

/** A variable name as typed in a task form or API body; as long as a mask name may be. */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** What reading one `#@var` line produced. */
export interface DeclarationRead {
  readonly declaration: VariableDeclaration | null;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Reads the arguments of `#@var NAME "pattern" "label"` (ordinary quoted tokens). The
 * pattern must match a whole value; it is compiled as `^(?:pattern)$`. The label is optional.
 */
export function readVariableDeclaration(args: string, loc: SourceLocation, argsColumn: number): DeclarationRead {
  const { tokens, diagnostics } = tokenize(args, loc.line, argsColumn);
  const [name, pattern, label] = tokens;
  const problems = [...diagnostics, ...tokenProblems(tokens, location(loc.line, argsColumn), location(loc.line, argsColumn + args.length))];
  if (!name || !pattern || problems.some((problem) => problem.severity === 'error')) return { declaration: null, diagnostics: problems };
  const declaration: VariableDeclaration = Object.freeze({
    kind: 'variable-declaration',
    name: name.value.toUpperCase(),
    pattern: pattern.value,
    label: label?.value ?? '',
    loc: location(loc.line, loc.column),
  });
  return { declaration, diagnostics: problems };
}

/** What is wrong with `NAME "pattern" "label"`, each at the token it concerns. */
function tokenProblems(tokens: readonly Token[], start: SourceLocation, end: SourceLocation): Diagnostic[] {
  const [name, pattern, , extra] = tokens;
  const problems: Diagnostic[] = [];
  if (!name || !VARIABLE_NAME.test(name.value)) {
    problems.push(invalid('expected a variable name (letters, digits and _, at most 64) after #@var', name?.loc ?? start));
  } else if (isBuiltInMask(name.value.toUpperCase())) {
    problems.push(invalid(`${name.value.toUpperCase()} is a built-in mask and cannot be declared`, name.loc));
  }
  if (name && !pattern) problems.push(invalid('expected a quoted pattern after the variable name', end));
  const patternError = pattern ? compilePatternError(pattern.value) : null;
  if (pattern && patternError) problems.push(diagnostic('error', 'invalid-regex', `invalid regular expression: ${patternError}`, pattern.loc));
  if (extra) problems.push(diagnostic('error', 'unexpected-argument', 'expected at most a name, a pattern and a label', extra.loc));
  return problems;
}

/** The regular expression a declared pattern stands for: it must match the whole value. */
export function declaredPattern(pattern: string): RegExp {
  return new RegExp(anchored(pattern));
}

function anchored(pattern: string): string {
  return `^(?:${pattern})$`;
}

/**
 * Checks task variable values: each must match its `#@var` pattern when declared, else the
 * safe set. Names are case-insensitive; returns one `OST_VALIDATION` error per bad value,
 * naming the field `variables.<name as given>` (never quoting the value).
 */
export function validateVariables(declared: readonly VariableDeclaration[], values: Readonly<Record<string, string>>): OstiaryError[] {
  const byName = new Map(declared.map((declaration) => [declaration.name, declaration]));
  const seen = new Map<string, string>();
  return Object.entries(values).flatMap(([given, value]) => {
    const upper = given.toUpperCase();
    if (!VARIABLE_NAME.test(given)) return [validationError(`variables.${given.slice(0, 64)}`, 'expected a name of letters, digits and _ (at most 64)')];
    const earlier = seen.get(upper);
    seen.set(upper, given);
    if (earlier !== undefined) return [validationError(`variables.${given}`, `duplicates variables.${earlier} (names are case-insensitive)`)];
    return valueProblem(given, value, byName.get(upper));
  });
}

/**
 * Validates, then returns the values keyed by upper-case name, frozen — ready to fill
 * `[#NAME#]` masks. Throws the first `OST_VALIDATION` error with every problem in `details`.
 */
export function normalizeVariables(declared: readonly VariableDeclaration[], values: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  const errors = validateVariables(declared, values);
  const first = errors[0];
  if (first) {
    const problems = errors.map((error) => ({ field: error.details.field, message: error.message }));
    throw new OstiaryError('OST_VALIDATION', first.message, { details: { field: first.details.field, problems } });
  }
  return Object.freeze(Object.fromEntries(Object.entries(values).map(([name, value]) => [name.toUpperCase(), value])));
}

function valueProblem(given: string, value: unknown, declaration: VariableDeclaration | undefined): OstiaryError[] {
  const field = `variables.${given}`;
  if (typeof value !== 'string') return [validationError(field, 'expected a string')];
  if (!declaration) {
    if (SAFE_VARIABLE_VALUE.test(value)) return [];
    return [validationError(field, 'expected only letters, digits and _ . : @ / + = , - (declare the variable with #@var in the template to allow more)')];
  }
  if (declaredPattern(declaration.pattern).test(value)) return [];
  const label = declaration.label ? ` (${declaration.label})` : '';
  return [validationError(field, `expected a value matching ${quoteForMessage(declaration.pattern, 80)}${label}`)];
}

/** The pattern must compile alone too: `a)(b` compiles only once wrapped. */
function compilePatternError(pattern: string): string | null {
  return regexProblem(pattern) ?? regexProblem(anchored(pattern));
}

function invalid(message: string, loc: SourceLocation): Diagnostic {
  return diagnostic('error', 'invalid-declaration', message, loc);
}
