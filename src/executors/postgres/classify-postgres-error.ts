import { FinalExecutorError, RetryableExecutorError } from '../executor.js';
import type { ExecutorError } from '../executor.js';
import { classifyNetworkError, errorCode, sanitizedCause } from '../network-errors.js';

/** SQLSTATEs (PostgreSQL appendix A) that mean "the server refused this login". */
const AUTH_STATES: ReadonlySet<string> = new Set(['28P01', '28000']);

/** `pg`'s own messages for its client-side timeouts (it gives them no code). */
const TIMEOUT_MESSAGES = ['timeout expired', 'Connection terminated due to connection timeout', 'Query read timeout'];

/**
 * Says what the engine should do after a `pg` failure. `what` says where (`connect to …`,
 * `statement 2 (line 3)`); `redact` cleans the server's message, which may quote a value.
 */
export function classifyPostgresError(error: unknown, what: string, redact: (text: string) => string): ExecutorError {
  const network = classifyNetworkError(error, what);
  if (network) return network;
  const message = redact(error instanceof Error ? error.message : String(error));
  const state = sqlState(error);
  const cause = sanitizedCause(error, state ?? errorCode(error), redact);
  if (state !== undefined) return classifyServerError(state, `${what}: ${message} (SQLSTATE ${state})`, cause);
  if (TIMEOUT_MESSAGES.some((text) => message.includes(text))) return new RetryableExecutorError('OST_EXEC_TIMEOUT', `${what}: ${message}`, { cause });
  if (message.includes('does not support SSL')) return new FinalExecutorError('OST_EXEC_TLS', `${what}: ${message}`, { cause });
  if (message.includes('Connection terminated')) return new RetryableExecutorError('OST_EXEC_CONNECT', `${what}: ${message}`, { cause });
  if (message.startsWith('SASL:')) return new FinalExecutorError('OST_EXEC_AUTH', `${what}: ${message}`, { cause });
  return new FinalExecutorError('OST_EXEC_STEP_FAILED', `${what}: ${message}`, { cause });
}

/** Whether a failure is the server refusing the password (not "could not ask"). */
export function isPostgresAuthFailure(error: unknown): boolean {
  const state = sqlState(error);
  return state !== undefined && AUTH_STATES.has(state);
}

function classifyServerError(state: string, message: string, cause: Error): ExecutorError {
  if (AUTH_STATES.has(state)) return new FinalExecutorError('OST_EXEC_AUTH', message, { cause });
  // 08: connection exception; 57P01-57P03: the server is shutting down or starting.
  if (state.startsWith('08') || /^57P0[1-3]$/.test(state)) return new RetryableExecutorError('OST_EXEC_CONNECT', message, { cause });
  // 53: insufficient resources (too many connections, disk full); 40001/40P01: serialization failure, deadlock.
  if (state.startsWith('53') || state === '40001' || state === '40P01') return new RetryableExecutorError('OST_EXEC_UNAVAILABLE', message, { cause });
  // 57014: canceled by statement_timeout.
  if (state === '57014') return new RetryableExecutorError('OST_EXEC_TIMEOUT', message, { cause });
  return new FinalExecutorError('OST_EXEC_STEP_FAILED', message, { cause });
}

/** The SQLSTATE of a server error (`pg`'s `DatabaseError` carries it as `code`). */
function sqlState(error: unknown): string | undefined {
  const code = errorCode(error);
  const fromServer = typeof error === 'object' && error !== null && 'severity' in error;
  return code !== undefined && fromServer && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}
