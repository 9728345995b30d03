import { OstiaryError } from '../../domain/index.js';
import type { VariableDeclaration } from '../../templates/index.js';
import { isTemplateDialect, maskNamesOf, parseTemplateOrThrow } from '../../templates/index.js';

/** What a task form shows for a template: its `#@var` declarations and every mask it uses. */
export interface TemplateFields {
  readonly declarations: readonly VariableDeclaration[];
  /** Upper-case mask names, built-in ones included. */
  readonly masks: readonly string[];
}

/**
 * Reads a template version's fields in its executor's dialect (every dialect, SQL ones
 * included, parses through `parseTemplateOrThrow`); throws `OST_TEMPLATE_PARSE`.
 */
export function templateFields(executor: string, source: string): TemplateFields {
  if (isTemplateDialect(executor)) {
    const program = parseTemplateOrThrow(executor, source);
    return Object.freeze({ declarations: program.variables, masks: Object.freeze(maskNamesOf(program)) });
  }
  throw new OstiaryError('OST_VALIDATION', `task.templateId: tasks cannot use templates of the ${executor} executor`, { details: { field: 'task.templateId' } });
}
