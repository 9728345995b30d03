import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isOstiaryError, OstiaryError } from '../domain/index.js';
import type { ErrorCode } from '../domain/index.js';
import { errorBody } from './error-body.js';

interface ValidationIssue {
  readonly instancePath: string;
  readonly message?: string | undefined;
  readonly params?: Record<string, unknown>;
}

/**
 * `/port` in the body → `port`; an unknown key → that key; an issue about the whole part →
 * the part's name.
 */
function fieldOf(part: string | undefined, issue: ValidationIssue): string {
  const path = issue.instancePath.replace(/^\//, '').split('/').filter(Boolean);
  const unknownKeys = issue.params?.keys;
  if (Array.isArray(unknownKeys) && typeof unknownKeys[0] === 'string') path.push(unknownKeys[0]);
  return path.length === 0 ? (part ?? 'body') : path.join('.');
}

function fromValidation(part: string | undefined, issues: readonly ValidationIssue[]): OstiaryError {
  const listed = issues.map((issue) => ({ field: fieldOf(part, issue), message: issue.message ?? 'invalid' }));
  const first = listed[0] ?? { field: part ?? 'body', message: 'invalid' };
  return new OstiaryError('OST_VALIDATION', `${first.field}: ${first.message}`, {
    details: { field: first.field, in: part ?? 'body', issues: listed },
  });
}

/** Fastify's own request errors (bad JSON, too large, wrong media type) by their status. */
const BY_STATUS: Readonly<Record<number, ErrorCode>> = { 404: 'OST_ROUTE_NOT_FOUND', 413: 'OST_PAYLOAD_TOO_LARGE', 415: 'OST_UNSUPPORTED_MEDIA_TYPE' };

function fromFastify(error: FastifyError): OstiaryError | null {
  const status = error.statusCode ?? 500;
  if (status < 400 || status >= 500) return null;
  const code = BY_STATUS[status] ?? 'OST_VALIDATION';
  // Fastify's messages describe the request's shape (never its values).
  return new OstiaryError(code, `body: ${error.message}`, { details: { field: 'body', fastifyCode: error.code } });
}

/** Maps anything thrown in a route to a catalogue error; unknown failures never leak a stack. */
export function toOstiaryError(error: unknown): OstiaryError {
  if (isOstiaryError(error)) return error;
  if (hasZodFastifySchemaValidationErrors(error)) return fromValidation(error.validationContext, error.validation);
  const fastifyError = error as FastifyError;
  if (Array.isArray(fastifyError.validation)) return fromValidation(fastifyError.validationContext, fastifyError.validation);
  return fromFastify(fastifyError) ?? new OstiaryError('OST_INTERNAL', 'an internal error occurred; the server log has the details');
}

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const mapped = toOstiaryError(error);
    if (mapped.httpStatus >= 500) logInternal(request, error, mapped);
    return reply.status(mapped.httpStatus).send(errorBody(mapped));
  });
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? request.url;
    const error = new OstiaryError('OST_ROUTE_NOT_FOUND', `no route ${request.method} ${path}`, { details: { method: request.method, path } });
    return reply.status(404).send(errorBody(error));
  });
}

/**
 * Server-side record of a 5xx. OstiaryError messages are written never to hold a secret;
 * for anything else only the error's class and code are logged, since a driver's message
 * may quote a bound value.
 */
function logInternal(request: FastifyRequest, original: unknown, mapped: OstiaryError): void {
  const kind = original instanceof Error ? original.constructor.name : typeof original;
  const code = (original as { code?: unknown } | null)?.code;
  const safeMessage = isOstiaryError(original) ? original.message : undefined;
  // Only the stack's `at …` frames: its first lines repeat the message.
  const frames = original instanceof Error
    ? original.stack?.split('\n').map((line) => line.trim()).filter((line) => line.startsWith('at ')).slice(0, 8)
    : undefined;
  request.log.error({ errorCode: mapped.code, errorKind: kind, driverCode: typeof code === 'string' ? code : undefined, safeMessage, frames }, 'request failed');
}
