import type { Diagnostic, DiagnosticSeverity, SourceLocation } from './ast.js';

/**
 * What a parser returns: the program when the source has no error, and every diagnostic
 * (warnings too) either way. Parsers never throw on bad input.
 */
export type ParseResult<T> =
  | { readonly ok: true; readonly value: T; readonly diagnostics: readonly Diagnostic[] }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/** A frozen, located diagnostic. */
export function diagnostic(
  severity: DiagnosticSeverity,
  rule: string,
  message: string,
  loc: SourceLocation,
): Diagnostic {
  return Object.freeze({ severity, rule, message, loc: location(loc.line, loc.column) });
}

export function location(line: number, column: number): SourceLocation {
  return Object.freeze({ line, column });
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((entry) => entry.severity === 'error');
}

/** Diagnostics in source order, so reports read top to bottom. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => a.loc.line - b.loc.line || a.loc.column - b.loc.column);
}

/** Wraps a parser's output: `ok` exactly when no diagnostic is an error. */
export function toParseResult<T>(value: T, diagnostics: readonly Diagnostic[]): ParseResult<T> {
  const sorted = Object.freeze(sortDiagnostics(diagnostics));
  if (hasErrors(sorted)) return Object.freeze({ ok: false, diagnostics: sorted });
  return Object.freeze({ ok: true, value, diagnostics: sorted });
}

/**
 * Quotes a piece of template text for a message, cut short so a very long line cannot
 * flood a report. Template text holds mask names, never secret values.
 */
export function quoteForMessage(text: string, max = 40): string {
  const shown = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(shown);
}
