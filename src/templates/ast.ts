/**
 * Syntax nodes shared by every template dialect. Nodes are frozen plain objects tagged with
 * `kind`; each carries the 1-based line and column where it starts in the source.
 */
export interface SourceLocation {
  readonly line: number;
  readonly column: number;
}

/** Literal text inside an argument. */
export interface TextSegment {
  readonly kind: 'text';
  readonly text: string;
}

/** A mask `[#NAME#]`; `name` is upper-case, without the brackets. */
export interface MaskSegment {
  readonly kind: 'mask';
  readonly name: string;
  readonly loc: SourceLocation;
}

export type Segment = TextSegment | MaskSegment;

/** One argument of a command: text and masks in source order. */
export interface Argument {
  readonly kind: 'argument';
  readonly segments: readonly Segment[];
  readonly loc: SourceLocation;
}

/** `#@var NAME "pattern" "label"`: a task variable with its own pattern and label. */
export interface VariableDeclaration {
  readonly kind: 'variable-declaration';
  readonly name: string;
  readonly pattern: string;
  readonly label: string;
  readonly loc: SourceLocation;
}

export type DiagnosticSeverity = 'error' | 'warning';

/** A located finding of the parser or the linter. */
export interface Diagnostic {
  readonly severity: DiagnosticSeverity;
  /** Stable rule name, e.g. `unknown-command`, `secret-in-shell`, `unclosed-quote`. */
  readonly rule: string;
  readonly message: string;
  readonly loc: SourceLocation;
}
