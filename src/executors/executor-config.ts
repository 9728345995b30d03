import type { z } from 'zod';
import { validationError } from '../domain/index.js';

/**
 * Reads a device's settings for an executor with the executor's `configSchema`, frozen.
 * `undefined` and `null` mean "no settings" (every default). A bad value is an
 * `OST_VALIDATION` error naming the field, e.g. `executorConfig.sslmode: …`.
 */
export function parseExecutorConfig<Schema extends z.ZodType>(schema: Schema, raw: unknown): Readonly<z.output<Schema>> {
  const result = schema.safeParse(raw ?? {});
  if (result.success) return Object.freeze(result.data);
  const issue = result.error.issues[0];
  const path = issue && issue.path.length > 0 ? `executorConfig.${issue.path.join('.')}` : 'executorConfig';
  throw validationError(path, issue?.message ?? 'invalid settings');
}
