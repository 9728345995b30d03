import type { z } from 'zod';
import { OstiaryError } from './errors.js';

/**
 * Parses untrusted input with a zod schema at the door. On failure throws `OST_VALIDATION`
 * whose message names the first bad field (`task.devices.2`, `rotation.policy.window.hours.2`);
 * `details.problems` lists every one. Values are never quoted, so a secret typed into the wrong
 * field does not leak. Shared by the Task Manager and rotation (the layers above the domain).
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, prefix: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => ({ field: fieldOf(prefix, issue.path), message: issue.message }));
  const first = problems[0] ?? { field: prefix, message: 'invalid' };
  throw new OstiaryError('OST_VALIDATION', `${first.field}: ${first.message}`, { details: { field: first.field, problems } });
}

function fieldOf(prefix: string, path: readonly PropertyKey[]): string {
  return [prefix, ...path.map(String)].filter((part) => part !== '').join('.');
}
