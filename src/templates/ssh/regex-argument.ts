import type { Diagnostic, SourceLocation } from '../ast.js';
import { diagnostic, location, quoteForMessage } from '../parse-result.js';
import { regexProblem } from '../regex-error.js';

/** `expect-regex` flags that make sense for a one-shot match; `g` and `y` keep state between matches. */
export const REGEX_FLAGS = 'imsu';
const ANY_JS_FLAGS = /^[dgimsuvy]*$/;
const LITERAL_FORM = /^\/([\s\S]*)\/([a-z]*)$/;
/** Masks are replaced by a plain letter to check the expression compiles. */
const MASK = /\[#[A-Za-z_][A-Za-z0-9_]{0,63}#\]/g;

export interface RegexArgument {
  readonly source: string;
  readonly loc: SourceLocation;
  readonly flags: string;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Splits `"/re/flags"` into expression and flags; text not of that form (or whose "flags"
 * are not JavaScript flags, like `/home/user`) is the expression itself. Reports an invalid
 * expression or an unsupported flag as an error.
 */
export function splitRegexArgument(text: string, loc: SourceLocation): RegexArgument {
  const literal = LITERAL_FORM.exec(text);
  const isLiteral = literal !== null && ANY_JS_FLAGS.test(literal[2] ?? '');
  const source = isLiteral ? (literal[1] ?? '') : text;
  const flags = isLiteral ? (literal[2] ?? '') : '';
  const sourceLoc = isLiteral ? location(loc.line, loc.column + 1) : loc;
  const problem = flagProblem(flags) ?? compileProblem(source, flags);
  const diagnostics = problem ? [diagnostic('error', 'invalid-regex', problem, sourceLoc)] : [];
  return { source, loc: sourceLoc, flags: isLiteral && !problem ? flags : '', diagnostics };
}

function flagProblem(flags: string): string | null {
  const unsupported = [...flags].filter((flag) => !REGEX_FLAGS.includes(flag));
  if (unsupported.length > 0) return `unsupported regular expression flag ${quoteForMessage(unsupported.join(''), 10)} (allowed: ${REGEX_FLAGS})`;
  if (new Set(flags).size !== flags.length) return `repeated regular expression flag in ${quoteForMessage(flags, 10)}`;
  return null;
}

function compileProblem(source: string, flags: string): string | null {
  if (source === '') return 'an empty regular expression matches anything';
  const problem = regexProblem(source.replace(MASK, 'x'), flags);
  return problem === null ? null : `invalid regular expression: ${problem}`;
}

