import { FinalExecutorError, RetryableExecutorError } from '../executor.js';
import type { ExecutorError } from '../executor.js';
import { classifyNetworkError, errorCode, sanitizedCause } from '../network-errors.js';

/** Server error numbers that mean "this password does not log in". */
const REJECTED_LOGIN: ReadonlySet<number> = new Set([
  1045, // ER_ACCESS_DENIED_ERROR
  1698, // ER_ACCESS_DENIED_NO_PASSWORD_ERROR
]);

/** Refused for another reason tied to the account: final, but not a wrong password. */
const OTHER_AUTH: ReadonlySet<number> = new Set([
  1044, // ER_DBACCESS_DENIED_ERROR: the account may not use the database
  1251, // ER_NOT_SUPPORTED_AUTH_MODE
  1862, // ER_MUST_CHANGE_PASSWORD_LOGIN: password expired
  3118, // ER_ACCOUNT_HAS_BEEN_LOCKED (MySQL)
  4151, // ER_ACCOUNT_HAS_BEEN_LOCKED (MariaDB)
]);

const BUSY: ReadonlySet<number> = new Set([
  1040, // ER_CON_COUNT_ERROR: too many connections
  1203, // ER_TOO_MANY_USER_CONNECTIONS
  1205, // ER_LOCK_WAIT_TIMEOUT
  1213, // ER_LOCK_DEADLOCK
]);

const GONE: ReadonlySet<number> = new Set([
  1053, // ER_SERVER_SHUTDOWN
  1927, // ER_CONNECTION_KILLED
  2006, // CR_SERVER_GONE_ERROR
  2013, // CR_SERVER_LOST
]);

const TIMED_OUT: ReadonlySet<number> = new Set([
  1969, // ER_STATEMENT_TIMEOUT (MariaDB max_statement_time)
  3024, // ER_QUERY_TIMEOUT (MySQL max_execution_time)
]);

/** `mysql2`'s client-side codes (no server error number). */
const CLIENT_CODES: Readonly<Record<string, { retryable: boolean; code: string }>> = Object.freeze({
  PROTOCOL_SEQUENCE_TIMEOUT: { retryable: true, code: 'OST_EXEC_TIMEOUT' },
  PROTOCOL_CONNECTION_LOST: { retryable: true, code: 'OST_EXEC_CONNECT' },
  HANDSHAKE_NO_SSL_SUPPORT: { retryable: false, code: 'OST_EXEC_TLS' },
});

/**
 * Says what the engine should do after a `mysql2` failure. The message is the server's own
 * (`sqlMessage`), redacted; never the driver's `sql` field, which holds the rendered statement.
 */
export function classifyMysqlError(error: unknown, what: string, redact: (text: string) => string): ExecutorError {
  const network = classifyNetworkError(error, what);
  if (network) return network;
  const code = errorCode(error);
  const cause = sanitizedCause(error, code, redact);
  const errno = serverErrno(error);
  const message = `${what}: ${redact(serverMessage(error))}`;
  if (errno !== undefined) return classifyServerError(errno, `${message} (errno ${errno})`, cause);
  const client = code === undefined ? undefined : CLIENT_CODES[code];
  if (client?.retryable) return new RetryableExecutorError(client.code, message, { cause });
  if (client) return new FinalExecutorError(client.code, message, { cause });
  return new FinalExecutorError('OST_EXEC_STEP_FAILED', message, { cause });
}

/** Whether a failure is the server refusing the password (not "could not ask"). */
export function isMysqlAuthFailure(error: unknown): boolean {
  const errno = serverErrno(error);
  return errno !== undefined && REJECTED_LOGIN.has(errno);
}

function classifyServerError(errno: number, message: string, cause: Error): ExecutorError {
  if (REJECTED_LOGIN.has(errno) || OTHER_AUTH.has(errno)) return new FinalExecutorError('OST_EXEC_AUTH', message, { cause });
  if (BUSY.has(errno)) return new RetryableExecutorError('OST_EXEC_UNAVAILABLE', message, { cause });
  if (GONE.has(errno)) return new RetryableExecutorError('OST_EXEC_CONNECT', message, { cause });
  if (TIMED_OUT.has(errno)) return new RetryableExecutorError('OST_EXEC_TIMEOUT', message, { cause });
  return new FinalExecutorError('OST_EXEC_STEP_FAILED', message, { cause });
}

/** A server error carries `errno` and `sqlMessage`; client-side errors have no `sqlMessage`. */
function serverErrno(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('sqlMessage' in error) || !('errno' in error)) return undefined;
  const errno = (error as { errno: unknown }).errno;
  return typeof errno === 'number' ? errno : undefined;
}

function serverMessage(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'sqlMessage' in error && typeof error.sqlMessage === 'string') return error.sqlMessage;
  return error instanceof Error ? error.message : String(error);
}
