/** Exponential backoff while a sink is down. */
export interface BackoffPolicy {
  /** Delay after the first failure, in ms. @defaultValue 1000 */
  readonly initialMs: number;
  /** Longest delay, in ms. @defaultValue 60000 */
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = Object.freeze({ initialMs: 1_000, maxMs: 60_000 });

/**
 * The delay after `failures` consecutive failures: initial × 2^(failures−1), capped, then
 * spread by ±20% so that sinks that failed together do not retry in lockstep.
 */
export function backoffDelay(policy: BackoffPolicy, failures: number, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  const base = Math.min(policy.maxMs, policy.initialMs * 2 ** exponent);
  return Math.round(base * (0.8 + 0.4 * random()));
}
