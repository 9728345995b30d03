import type { Diagnostic, SourceLocation } from './ast.js';
import { diagnostic, location } from './parse-result.js';

/** The raw text of a one-argument command, before masks are scanned. */
export interface LenientText {
  readonly text: string;
  /** Where `text[0]` stands (just after the opening quote when quoted). */
  readonly loc: SourceLocation;
  readonly quoted: boolean;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Reads the single argument of a command by the lenient rule of DESIGN §5: the argument is
 * the rest of the line; when it starts with `"` it runs to the *last* `"` on the line and
 * inner quotes are kept (`exec "edit "[#USERNAME#]""` sends `edit "admin"`); a missing
 * closing quote is only a warning; unquoted text is taken as written.
 *
 * Hand-written on purpose: "the last quote on the line closes the argument" depends on the
 * whole line, which a token grammar for a parser generator does not express well, and the
 * rule fits in these few lines.
 */
export function readLenientArgument(rest: string, line: number, column: number): LenientText {
  if (!rest.startsWith('"')) return { text: rest, loc: location(line, column), quoted: false, diagnostics: [] };
  const last = rest.lastIndexOf('"');
  const textLoc = location(line, column + 1);
  if (last === 0) {
    const warning = diagnostic('warning', 'unclosed-quote', 'missing closing quote: the argument runs to the end of the line', location(line, column));
    return { text: rest.slice(1), loc: textLoc, quoted: true, diagnostics: [warning] };
  }
  const trailing = rest.slice(last + 1);
  const diagnostics = trailing ? [trailingText(line, column + last + 1 + leadingSpace(trailing))] : [];
  return { text: rest.slice(1, last), loc: textLoc, quoted: true, diagnostics };
}

function trailingText(line: number, column: number): Diagnostic {
  return diagnostic('error', 'unexpected-text', 'expected the end of the line after the closing quote', location(line, column));
}

function leadingSpace(text: string): number {
  return /^\s*/.exec(text)?.[0].length ?? 0;
}
