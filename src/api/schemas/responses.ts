import type { z } from 'zod';
import { errorBodySchema } from '../error-body.js';

const ERROR_STATUSES = [400, 401, 403, 404, 409, 429] as const;

/** A route's success responses plus the catalogue error body for every client error status. */
export function responses<T extends Record<number, z.ZodType>>(success: T) {
  const errors = Object.fromEntries(ERROR_STATUSES.map((status) => [status, errorBodySchema])) as Record<
    (typeof ERROR_STATUSES)[number],
    typeof errorBodySchema
  >;
  return { ...errors, ...success };
}
