import type { Segment, SourceLocation, VariableDeclaration } from '../ast.js';

/**
 * The parsed form of a SQL-dialect template (`postgres`, `mysql`; DESIGN §5): statements the
 * executor runs one by one. Every node is frozen.
 */
export interface SqlProgram {
  readonly kind: 'sql-program';
  /** The dialect the source was read in; render with the same one. */
  readonly dialect: 'postgres' | 'mysql';
  readonly statements: readonly SqlStatement[];
  /** `#@var` declarations found in comment lines. */
  readonly variables: readonly VariableDeclaration[];
}

/** One statement, without its `;`, its line comments or surrounding blanks. */
export interface SqlStatement {
  readonly kind: 'sql-statement';
  /** The statement as written, masks as `[#NAME#]`: what a transcript may show. */
  readonly text: string;
  readonly pieces: readonly SqlPiece[];
  readonly loc: SourceLocation;
}

/** Template text sent as written: everything that holds no mask. */
export interface SqlVerbatim {
  readonly kind: 'sql-verbatim';
  readonly text: string;
}

/**
 * A string literal holding at least one mask. `segments` hold the literal's *value* (its
 * own escapes already undone) so the whole literal can be re-quoted by the driver.
 */
export interface SqlLiteral {
  readonly kind: 'sql-literal';
  readonly segments: readonly Segment[];
  readonly loc: SourceLocation;
}

/**
 * An identifier holding at least one mask: a bare word such as `[#USERNAME#]` or
 * `app_[#NAME#]`, or a quoted identifier. Rendered as one quoted identifier.
 */
export interface SqlIdentifier {
  readonly kind: 'sql-identifier';
  readonly segments: readonly Segment[];
  readonly loc: SourceLocation;
}

export type SqlPiece = SqlVerbatim | SqlLiteral | SqlIdentifier;
