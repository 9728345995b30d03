import { isOstiaryError, nextRetry } from '../domain/index.js';
import type { Operation } from '../domain/index.js';
import { ExecutorError } from '../executors/executor.js';
import type { AttemptResult } from '../store/store.js';
import type { StopReason } from './attempt-control.js';

/** How an attempt ended, as the attempt runner saw it. */
export type AttemptEnding =
  | { readonly kind: 'succeeded'; readonly summary: string }
  | { readonly kind: 'stopped'; readonly reason: Exclude<StopReason, 'lease-lost'> }
  | { readonly kind: 'error'; readonly error: unknown };

/** Catalogue codes that mean "try again later" when an error reaches the engine itself. */
const RETRYABLE_ENGINE_CODES: ReadonlySet<string> = new Set(['OST_STORE', 'OST_EXEC_CONNECT', 'OST_EXEC_TIMEOUT']);

/**
 * Turns an attempt's ending into what the store records. Retryable failures and whole-operation
 * timeouts follow the operation's retry policy (`nextRetry`); final errors fail the operation;
 * anything that is not an {@link ExecutorError} or an `OstiaryError` is a final `OST_INTERNAL`
 * whose message says nothing about the error's text (it may hold anything).
 * Messages are not redacted here: the attempt runner redacts every result it stores.
 */
export function classifyOutcome(ending: AttemptEnding, operation: Operation, attemptNumber: number, now: number): AttemptResult {
  if (ending.kind === 'succeeded') return { outcome: 'succeeded', nextStatus: 'succeeded', message: ending.summary };
  if (ending.kind === 'stopped') return classifyStop(ending.reason, operation, attemptNumber, now);
  return classifyError(ending.error, operation, attemptNumber, now);
}

function classifyStop(reason: Exclude<StopReason, 'lease-lost'>, operation: Operation, attemptNumber: number, now: number): AttemptResult {
  if (reason === 'cancelled') {
    return { outcome: 'cancelled', nextStatus: 'cancelled', errorCode: 'OST_EXEC_CANCELLED', message: 'cancelled while running' };
  }
  if (reason === 'shutdown') {
    // The worker is going away, not the operation's fault: hand it back to the queue at once.
    return { outcome: 'retryable_error', nextStatus: 'scheduled', retryAt: now, errorCode: 'OST_ABANDONED', message: 'the worker stopped before the attempt finished' };
  }
  const message = `the operation exceeded its time limit of ${operation.timeouts.totalMs} ms`;
  return retryOrFail('timeout', 'OST_OPERATION_TIMEOUT', message, operation, attemptNumber, now);
}

function classifyError(error: unknown, operation: Operation, attemptNumber: number, now: number): AttemptResult {
  if (error instanceof ExecutorError) {
    if (error.kind === 'final') return { outcome: 'failed', nextStatus: 'failed', errorCode: error.code, message: error.message };
    return retryOrFail('retryable_error', error.code, error.message, operation, attemptNumber, now);
  }
  if (isOstiaryError(error)) {
    if (RETRYABLE_ENGINE_CODES.has(error.code)) return retryOrFail('retryable_error', error.code, error.message, operation, attemptNumber, now);
    return { outcome: 'failed', nextStatus: 'failed', errorCode: error.code, message: error.message };
  }
  const kind = error instanceof Error ? error.name : typeof error;
  return { outcome: 'failed', nextStatus: 'failed', errorCode: 'OST_INTERNAL', message: `unexpected ${kind} while running the operation; see the worker log` };
}

function retryOrFail(
  outcome: 'retryable_error' | 'timeout',
  errorCode: string,
  message: string,
  operation: Operation,
  attemptNumber: number,
  now: number,
): AttemptResult {
  const decision = nextRetry(operation.retryPolicy, attemptNumber);
  if (!decision.retry) return { outcome, nextStatus: 'failed', errorCode, message };
  return { outcome, nextStatus: 'scheduled', retryAt: now + decision.delayMs, errorCode, message };
}
