import { FinalExecutorError, RetryableExecutorError } from '../executor.js';
import type { ExecutorError } from '../executor.js';
import { classifyNetworkError, errorCode, sanitizedCause } from '../network-errors.js';
import type { HttpAnswer } from './send-http-request.js';

/** 4xx answers that mean "not now" rather than "not ever". */
const RETRY_LATER: ReadonlySet<number> = new Set([408, 425, 429]);

/**
 * What the engine should do with a request that got no answer: refused, reset or timed out →
 * retryable; certificate rejected → final `OST_EXEC_TLS`; anything else (a malformed
 * answer, say) → final.
 */
export function classifyHttpError(error: unknown, what: string, redact: (text: string) => string): ExecutorError {
  const network = classifyNetworkError(error, what);
  if (network) return network;
  const message = redact(error instanceof Error ? error.message : String(error));
  return new FinalExecutorError('OST_EXEC_STEP_FAILED', `${what}: ${message}`, { cause: sanitizedCause(error, errorCode(error), redact) });
}

/**
 * The failure an answer's status means, or null for success (1xx–3xx; redirects are not
 * followed, so `expect` can check them). 5xx, 408, 425 and 429 → retryable
 * `OST_EXEC_UNAVAILABLE`; 401 and 403 → final `OST_EXEC_AUTH`; other 4xx → final.
 */
export function failureForStatus(answer: HttpAnswer, what: string, redact: (text: string) => string): ExecutorError | null {
  const status = answer.status;
  if (status < 400) return null;
  const message = `${what} was answered ${redact(answer.statusLine)}`;
  if (status >= 500 || RETRY_LATER.has(status)) return new RetryableExecutorError('OST_EXEC_UNAVAILABLE', message);
  if (status === 401 || status === 403) return new FinalExecutorError('OST_EXEC_AUTH', message);
  return new FinalExecutorError('OST_EXEC_STEP_FAILED', message);
}
