/**
 * The error catalogue: every error Ostiary reports has a stable code, an HTTP status and a
 * meaning. Codes never change once released; add new ones instead. `docs/errors.md` lists
 * the same entries and a test fails when the two disagree.
 */
export const ERROR_CATALOGUE = Object.freeze({
  OST_VALIDATION: { status: 400, meaning: 'Input failed validation; details name the field.' },
  OST_NOT_FOUND: { status: 404, meaning: 'The object does not exist.' },
  OST_CONFLICT: { status: 409, meaning: 'The object changed or exists already.' },
  OST_ILLEGAL_TRANSITION: { status: 409, meaning: 'The operation status machine forbids this change.' },
  OST_LEASE_LOST: { status: 409, meaning: 'A worker no longer holds the lease of the operation it reports on.' },
  OST_CONFIG: { status: 500, meaning: 'Configuration is missing or invalid; the message names the setting.' },
  OST_STORE: { status: 503, meaning: 'The database failed or is unreachable.' },
  OST_VAULT_KEY: { status: 500, meaning: 'The master key is missing, malformed or its key file is readable by others.' },
  OST_VAULT_TAMPERED: { status: 500, meaning: 'A stored secret failed authentication: it was altered or belongs to another key.' },
  OST_PASSWORD_POLICY: { status: 400, meaning: 'A password policy cannot produce a password (e.g. minimums exceed length).' },
  OST_TEMPLATE_PARSE: { status: 400, meaning: 'A template has a syntax error at the given line and column.' },
  OST_TEMPLATE_LINT: { status: 400, meaning: 'A template failed lint with at least one error.' },
  OST_MASK_UNFILLED: { status: 400, meaning: 'A mask in the template has no value for this operation.' },
  OST_EXECUTOR_UNKNOWN: { status: 400, meaning: 'No executor is registered under that name.' },
  OST_EXEC_CONNECT: { status: 502, meaning: 'Could not connect to the target (retryable).' },
  OST_EXEC_TIMEOUT: { status: 504, meaning: 'The target did not answer in time (retryable before anything was sent to it, final after).' },
  OST_EXEC_AUTH: { status: 502, meaning: 'The target rejected the credential (final).' },
  OST_EXEC_HOST_KEY: { status: 502, meaning: 'The SSH host key differs from the pinned one (final).' },
  OST_EXEC_STEP_FAILED: { status: 502, meaning: 'A template step failed on the target (final).' },
  OST_EXEC_TLS: { status: 502, meaning: 'The target\'s TLS certificate failed verification, or the target does not offer the TLS its settings require (final).' },
  OST_EXEC_UNAVAILABLE: { status: 503, meaning: 'The target answered that it cannot serve the request now, e.g. HTTP 5xx (retryable).' },
  OST_EXEC_CANCELLED: { status: 409, meaning: 'The operation was cancelled while it ran.' },
  OST_OPERATION_TIMEOUT: { status: 504, meaning: 'The whole operation exceeded its time limit.' },
  OST_ABANDONED: { status: 500, meaning: 'The worker running the attempt stopped renewing its lease.' },
  OST_ROUTE_NOT_FOUND: { status: 404, meaning: 'No API route matches this method and path.' },
  OST_PAYLOAD_TOO_LARGE: { status: 413, meaning: 'The request body exceeds the size limit.' },
  OST_UNSUPPORTED_MEDIA_TYPE: { status: 415, meaning: 'The request body has a content type the API does not accept (use application/json).' },
  OST_AUTH_REQUIRED: { status: 401, meaning: 'The request carries no session cookie and no API token.' },
  OST_AUTH_INVALID: { status: 401, meaning: 'The username and password, session or API token are not valid.' },
  OST_AUTH_EXPIRED: { status: 401, meaning: 'The session or API token has expired.' },
  OST_AUTH_REVOKED: { status: 401, meaning: 'The API token was revoked.' },
  OST_FORBIDDEN: { status: 403, meaning: 'The principal lacks the permission the action needs; details name it.' },
  OST_CSRF: { status: 403, meaning: 'A state-changing request with a session cookie lacks a matching x-csrf-token header.' },
  OST_LOGIN_THROTTLED: { status: 429, meaning: 'Too many failed logins: wait details.retryAfterSeconds before trying again.' },
  OST_ACCOUNT_LOCKED: { status: 429, meaning: 'The account or source address is locked after repeated failed logins until details.lockedUntil.' },
  OST_AUDIT_BROKEN: { status: 500, meaning: 'The audit chain failed verification; details give the first broken sequence and the reason.' },
  OST_ROTATION_NOT_APPLIED: { status: 502, meaning: 'After a password change the new password did not log in but the current one still does; the current one was kept (final).' },
  OST_OUT_OF_SYNC: { status: 502, meaning: 'Neither the new nor the current password logs in: the credential is out of sync until a reconcile or an operator fixes it (final).' },
  OST_FIRST_CHANGE_MANUAL: { status: 409, meaning: 'An automatic trigger cannot make a credential\'s first password change; request the first one manually.' },
  OST_INTERNAL: { status: 500, meaning: 'An unexpected error; the message never carries secret data.' },
} as const);

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export interface OstiaryErrorOptions {
  readonly details?: Readonly<Record<string, unknown>>;
  readonly cause?: unknown;
}

/** The one error type that crosses module boundaries; `code` is stable, `message` is for people. */
export class OstiaryError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, options: OstiaryErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'OstiaryError';
    this.code = code;
    this.details = Object.freeze({ ...options.details });
  }

  get httpStatus(): number {
    return ERROR_CATALOGUE[this.code].status;
  }
}

export function isOstiaryError(error: unknown): error is OstiaryError {
  return error instanceof OstiaryError;
}

/** A validation error that names the field, e.g. `validationError('device.port', 'expected 1..65535')`. */
export function validationError(field: string, expected: string): OstiaryError {
  return new OstiaryError('OST_VALIDATION', `${field}: ${expected}`, { details: { field } });
}
