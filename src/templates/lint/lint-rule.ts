import type { TemplateType } from '../../domain/index.js';
import type { Diagnostic } from '../ast.js';
import type { TemplateDialect, TemplateProgram } from '../template-program.js';

/** What every lint rule sees: the program parsed as far as it goes, its dialect and type. */
export interface LintContext {
  readonly program: TemplateProgram;
  readonly dialect: TemplateDialect;
  /** Unknown when the caller does not say; type-specific rules then stay silent. */
  readonly type: TemplateType | undefined;
}

/** A semantic check over a parsed program; syntax problems come from the parser. */
export type LintRule = (context: LintContext) => Diagnostic[];
