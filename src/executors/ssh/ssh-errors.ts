import { FinalExecutorError, RetryableExecutorError } from '../executor.js';
import type { ExecutorError } from '../executor.js';

/**
 * How the SSH executor tells the engine what to do with a failure (docs/ssh-executor.md).
 * Nothing the target did can be undone, so once any text was sent, a failure in the
 * middle of a template is final: retrying blindly could run a command twice or change a
 * password that was already changed. Before anything was sent, a timeout or a lost
 * connection is safe to retry.
 */

/** Where the executor was connecting to, for messages. */
export interface Endpoint {
  readonly address: string;
  readonly port: number;
  readonly username: string;
}

/** Socket error codes that mean the network or the target is (maybe briefly) unavailable. */
const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EHOSTUNREACH', 'EHOSTDOWN', 'ENETUNREACH',
  'ENETDOWN', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND',
]);

/** Maps an ssh2 error raised before the session is ready. */
export function connectFailure(error: unknown, endpoint: Endpoint, timeoutMs: number): ExecutorError {
  const where = `${endpoint.address}:${endpoint.port}`;
  const { level, code, message } = describe(error);
  if (level === 'client-authentication') {
    return new FinalExecutorError('OST_EXEC_AUTH', `${where} rejected the login of user "${endpoint.username}"`, { cause: error });
  }
  if (level === 'client-timeout') {
    return new RetryableExecutorError('OST_EXEC_TIMEOUT', `no SSH login to ${where} within ${timeoutMs} ms`, { cause: error });
  }
  if (code === 'ECONNREFUSED') return new RetryableExecutorError('OST_EXEC_CONNECT', `connection refused by ${where}`, { cause: error });
  if (level === 'client-socket' || level === 'client-dns' || (code !== undefined && NETWORK_CODES.has(code))) {
    return new RetryableExecutorError('OST_EXEC_CONNECT', `cannot connect to ${where}: ${message}`, { cause: error });
  }
  // Handshake and protocol failures (no common algorithm, a server that is not SSH) do
  // not fix themselves: retrying would only repeat them.
  return new FinalExecutorError('OST_EXEC_CONNECT', `SSH handshake with ${where} failed: ${message}`, { cause: error });
}

/** The server showed another host key than the pinned one: never log in, never retry. */
export function hostKeyMismatch(endpoint: Endpoint, pinnedFingerprint: string, seenFingerprint: string): ExecutorError {
  const message =
    `host key of ${endpoint.address}:${endpoint.port} has changed: pinned ${pinnedFingerprint}, offered ${seenFingerprint}; ` +
    'someone may be intercepting the connection, or the host was reinstalled (update the device\'s host key to accept it)';
  return new FinalExecutorError('OST_EXEC_HOST_KEY', message);
}

/** A failure in the middle of the template: retryable only while nothing was sent. */
export function sessionFailure(code: string, message: string, sentAnything: boolean, cause?: unknown): ExecutorError {
  const options = cause === undefined ? undefined : { cause };
  if (sentAnything) return new FinalExecutorError(code, `${message} (not retried: text was already sent to the target)`, options);
  return new RetryableExecutorError(code, message, options);
}

/** The engine stopped the attempt (`context.signal`): cancel, whole-operation timeout, shutdown. */
export function stoppedError(signal: AbortSignal): ExecutorError {
  const reason: unknown = signal.reason;
  const why = typeof reason === 'string' ? reason : reason instanceof Error ? reason.message : 'aborted';
  const code = why === 'timeout' ? 'OST_OPERATION_TIMEOUT' : 'OST_EXEC_CANCELLED';
  return new FinalExecutorError(code, `stopped by the engine (${why}); the SSH session was closed`);
}

function describe(error: unknown): { level?: string; code?: string; message: string } {
  if (!(error instanceof Error)) return { message: String(error) };
  const { level, code } = error as Error & { level?: unknown; code?: unknown };
  return { level: typeof level === 'string' ? level : undefined, code: typeof code === 'string' ? code : undefined, message: error.message };
}
