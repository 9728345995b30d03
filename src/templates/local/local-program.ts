import type { Argument, SourceLocation, VariableDeclaration } from '../ast.js';

/**
 * The parsed form of a `local`-dialect template: shell command lines run one after the other
 * on the Ostiary host. Each line is kept exactly as written (quotes belong to the shell).
 */
export interface LocalProgram {
  readonly kind: 'local-program';
  readonly lines: readonly ShellLine[];
  /** `#@var` declarations found in comment lines. */
  readonly variables: readonly VariableDeclaration[];
}

/** One shell command line; masks must be rendered with a shell escape. */
export interface ShellLine {
  readonly kind: 'shell-line';
  readonly text: Argument;
  readonly loc: SourceLocation;
}
