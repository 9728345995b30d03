/**
 * Slow-down and lockout after failed logins, counted per username and per source address.
 * Pure: the login service reads the counters, asks {@link throttleDecision}, and records
 * the outcome through {@link failureAfter}.
 *
 * Slow-down is a minimum wait between attempts, enforced by refusing early attempts with
 * `OST_LOGIN_THROTTLED` rather than by holding the request open: sleeping requests would let
 * an attacker tie up the server's connections.
 */
export interface LoginThrottlePolicy {
  /** Failures older than this are forgotten. @defaultValue 900000 (15 min) */
  readonly windowMs: number;
  /** Failures allowed before each attempt must wait. @defaultValue 3 */
  readonly freeFailures: number;
  /** First wait, doubled after each further failure. @defaultValue 1000 */
  readonly baseDelayMs: number;
  /** @defaultValue 60000 */
  readonly maxDelayMs: number;
  /** Failures that lock a username. @defaultValue 10 */
  readonly lockUserAfter: number;
  /** Failures that lock a source address (it may try several usernames). @defaultValue 50 */
  readonly lockAddressAfter: number;
  /** @defaultValue 900000 (15 min) */
  readonly lockMs: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottlePolicy = Object.freeze({
  windowMs: 15 * 60_000,
  freeFailures: 3,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  lockUserAfter: 10,
  lockAddressAfter: 50,
  lockMs: 15 * 60_000,
});

/** Stored per key (`user:<name>` or `addr:<address>`). Times are epoch ms. */
export interface LoginFailureState {
  readonly key: string;
  readonly failures: number;
  readonly firstFailureAt: number;
  readonly lastFailureAt: number;
  readonly lockedUntil: number | null;
}

export type ThrottleDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly reason: 'throttled'; readonly retryAt: number }
  | { readonly allowed: false; readonly reason: 'locked'; readonly lockedUntil: number };

function live(state: LoginFailureState | null, policy: LoginThrottlePolicy, now: number): LoginFailureState | null {
  if (state === null) return null;
  if (state.lockedUntil !== null && state.lockedUntil > now) return state;
  return now - state.lastFailureAt > policy.windowMs ? null : state;
}

function delayAfter(failures: number, policy: LoginThrottlePolicy): number {
  if (failures < policy.freeFailures) return 0;
  const doublings = Math.min(failures - policy.freeFailures, 30);
  return Math.min(policy.baseDelayMs * 2 ** doublings, policy.maxDelayMs);
}

/** May an attempt go ahead now, given one key's counter? */
export function throttleDecision(
  stored: LoginFailureState | null,
  policy: LoginThrottlePolicy,
  now: number,
): ThrottleDecision {
  const state = live(stored, policy, now);
  if (state === null) return { allowed: true };
  if (state.lockedUntil !== null && state.lockedUntil > now) {
    return { allowed: false, reason: 'locked', lockedUntil: state.lockedUntil };
  }
  const retryAt = state.lastFailureAt + delayAfter(state.failures, policy);
  return retryAt > now ? { allowed: false, reason: 'throttled', retryAt } : { allowed: true };
}

/** The counter after one more failure; `lockAfter` is the user or the address limit. */
export function failureAfter(
  stored: LoginFailureState | null,
  key: string,
  lockAfter: number,
  policy: LoginThrottlePolicy,
  now: number,
): LoginFailureState {
  const state = live(stored, policy, now);
  const failures = (state?.failures ?? 0) + 1;
  const lockedUntil = failures >= lockAfter ? now + policy.lockMs : (state?.lockedUntil ?? null);
  return { key, failures, firstFailureAt: state?.firstFailureAt ?? now, lastFailureAt: now, lockedUntil };
}

/** The more restrictive of two decisions (user's and address's). */
export function stricterDecision(a: ThrottleDecision, b: ThrottleDecision): ThrottleDecision {
  if (!a.allowed && a.reason === 'locked') return a;
  if (!b.allowed && b.reason === 'locked') return b;
  return a.allowed ? b : a;
}
