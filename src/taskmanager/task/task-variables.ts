import { OstiaryError, validationError } from '../../domain/index.js';
import { isBuiltInMask, validateVariables } from '../../templates/index.js';
import type { TemplateFields } from './template-fields.js';

/**
 * Validates a task's variable values against its template and returns them upper-case:
 * - each value must match its `#@var` pattern, or the safe set when undeclared — so a value
 *   with shell metacharacters (`rsync; rm -rf /`) is refused unless the template's pattern
 *   allows it;
 * - a variable the template neither uses nor declares is refused (a typo would otherwise
 *   leave its mask unfilled);
 * - every task mask must get a value, except those a credential field may fill
 *   (`fieldNames`, upper-case) or, when `fieldNames` is `null`, any (checked per device at run).
 *
 * Throws one `OST_VALIDATION` naming the first bad field, every problem in `details.problems`.
 */
export function normalizeTaskVariables(
  fields: TemplateFields,
  values: Readonly<Record<string, string>>,
  fieldNames: readonly string[] | null,
): Readonly<Record<string, string>> {
  const problems = [
    ...validateVariables(fields.declarations, values).map((error) => ({ field: `task.${String(error.details.field)}`, message: `task.${error.message}` })),
    ...unknownVariables(fields, values),
    ...missingVariables(fields, values, fieldNames),
  ];
  const first = problems[0];
  if (first) throw new OstiaryError('OST_VALIDATION', first.message, { details: { field: first.field, problems } });
  return Object.freeze(Object.fromEntries(Object.entries(values).map(([name, value]) => [name.toUpperCase(), value])));
}

function unknownVariables(fields: TemplateFields, values: Readonly<Record<string, string>>): { field: string; message: string }[] {
  const known = new Set([...fields.masks, ...fields.declarations.map((declaration) => declaration.name)]);
  return Object.keys(values)
    .filter((name) => !known.has(name.toUpperCase()) || isBuiltInMask(name.toUpperCase()))
    .map((name) => problem(`variables.${name}`, isBuiltInMask(name.toUpperCase())
      ? `[#${name.toUpperCase()}#] is a built-in mask, filled from the device and credential`
      : `the template has no [#${name.toUpperCase()}#] mask and declares no such variable`));
}

function missingVariables(fields: TemplateFields, values: Readonly<Record<string, string>>, fieldNames: readonly string[] | null): { field: string; message: string }[] {
  if (fieldNames === null) return [];
  const given = new Set(Object.keys(values).map((name) => name.toUpperCase()));
  return fields.masks
    .filter((mask) => !isBuiltInMask(mask) && !given.has(mask) && !fieldNames.includes(mask))
    .map((mask) => problem(`variables.${mask}`, `expected a value: the template uses [#${mask}#]`));
}

function problem(field: string, expected: string): { field: string; message: string } {
  return { field: `task.${field}`, message: validationError(`task.${field}`, expected).message };
}
