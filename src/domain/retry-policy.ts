/**
 * How an operation is retried after a retryable failure. Pure: the engine and lease recovery
 * both ask `nextRetry` what to do next.
 */
export interface RetryPolicy {
  /** Attempts in the first round, the first one included. @defaultValue 3 */
  readonly maxAttempts: number;
  /** Delay before the second attempt, in milliseconds. @defaultValue 5000 */
  readonly intervalMs: number;
  /** Multiplier applied to the delay after each attempt (1 = fixed interval). @defaultValue 2 */
  readonly backoff: number;
  /** Upper bound for any delay. @defaultValue 300000 */
  readonly maxIntervalMs: number;
  /**
   * After `maxAttempts` are exhausted, wait this long and start another round instead of
   * failing; `null` fails the operation. @defaultValue null
   */
  readonly intervalAfterExhaustionMs: number | null;
  /** Total attempts across all rounds before failing for good. @defaultValue 10 */
  readonly hardLimit: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: 3,
  intervalMs: 5_000,
  backoff: 2,
  maxIntervalMs: 300_000,
  intervalAfterExhaustionMs: null,
  hardLimit: 10,
});

export type RetryDecision =
  | { readonly retry: true; readonly delayMs: number }
  | { readonly retry: false };

/** Decide after attempt number `attemptsMade` (1-based) failed with a retryable error. */
export function nextRetry(policy: RetryPolicy, attemptsMade: number): RetryDecision {
  if (attemptsMade >= policy.hardLimit) return { retry: false };
  const inRound = ((attemptsMade - 1) % policy.maxAttempts) + 1;
  if (inRound < policy.maxAttempts) return { retry: true, delayMs: backoffDelay(policy, inRound) };
  if (policy.intervalAfterExhaustionMs === null) return { retry: false };
  return { retry: true, delayMs: policy.intervalAfterExhaustionMs };
}

function backoffDelay(policy: RetryPolicy, inRound: number): number {
  const delay = policy.intervalMs * policy.backoff ** (inRound - 1);
  return Math.min(delay, policy.maxIntervalMs);
}
