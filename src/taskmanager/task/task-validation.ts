import { validationError } from '../../domain/index.js';
import type { Template, TemplateVersion } from '../../domain/index.js';
import type { TaskDefinition } from './task-definition.js';
import { normalizeTaskVariables } from './task-variables.js';
import { templateFields } from './template-fields.js';

/** What a definition is checked against: its template version and, when known, the credential's field names. */
export interface TaskTemplateContext {
  readonly template: Template;
  readonly version: TemplateVersion;
  /**
   * Upper-case names of the chosen credential's custom fields, which may fill masks the
   * variables do not; `null` when the credential is looked up per device at run time.
   */
  readonly credentialFields: readonly string[] | null;
}

/**
 * Checks a task against its template — a task template, every variable valid for its mask
 * and `#@var` pattern, every task mask filled — and returns the definition with the pinned
 * version and upper-case variables. Errors name the field (`task.variables.SERVICE`).
 */
export function validateTaskAgainstTemplate(definition: TaskDefinition, context: TaskTemplateContext): TaskDefinition & { readonly templateVersion: number } {
  const { template, version } = context;
  if (template.type !== 'task') throw validationError('task.templateId', `expected a task template; ${template.name} is a ${template.type} template`);
  const fields = templateFields(template.executor, version.source);
  const variables = normalizeTaskVariables(fields, definition.variables, context.credentialFields);
  return Object.freeze({ ...definition, templateVersion: version.version, variables });
}
