import { z } from 'zod';
import { ERROR_CATALOGUE } from '../domain/index.js';
import type { ErrorCode, OstiaryError } from '../domain/index.js';

/** Every error response: `{ code, message, details }`, with `code` from the catalogue. */
export const errorBodySchema = z
  .object({
    code: z.enum(Object.keys(ERROR_CATALOGUE) as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'Error', description: 'An error from the catalogue (docs/errors.md).' });

export type ErrorBody = z.infer<typeof errorBodySchema>;

export function errorBody(error: OstiaryError): ErrorBody {
  return { code: error.code, message: error.message, details: { ...error.details } };
}
