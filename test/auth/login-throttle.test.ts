import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_LOGIN_THROTTLE, failureAfter, stricterDecision, throttleDecision } from '../../src/auth/login-throttle.js';
import type { LoginFailureState } from '../../src/auth/login-throttle.js';

const policy = DEFAULT_LOGIN_THROTTLE;

/** `count` failures 10 ms apart, starting at time 0. */
function failures(count: number, lockAfter: number): LoginFailureState | null {
  let state: LoginFailureState | null = null;
  for (let i = 0; i < count; i += 1) state = failureAfter(state, 'user:alice', lockAfter, policy, i * 10);
  return state;
}

describe('login throttle', () => {
  it('lets the first failures through without waiting', () => {
    const state = failures(policy.freeFailures - 1, policy.lockUserAfter);
    assert.deepEqual(throttleDecision(state, policy, 1_000), { allowed: true });
  });

  it('then demands a wait that doubles with each failure, up to the maximum', () => {
    const three = failures(3, policy.lockUserAfter)!;
    assert.deepEqual(throttleDecision(three, policy, three.lastFailureAt), { allowed: false, reason: 'throttled', retryAt: three.lastFailureAt + 1_000 });
    assert.deepEqual(throttleDecision(three, policy, three.lastFailureAt + 1_000), { allowed: true });
    const five = failures(5, policy.lockUserAfter)!;
    const decision = throttleDecision(five, policy, five.lastFailureAt);
    assert.ok(!decision.allowed && decision.reason === 'throttled' && decision.retryAt === five.lastFailureAt + 4_000);
    const many = { ...five, failures: 40 };
    const capped = throttleDecision(many, policy, many.lastFailureAt);
    assert.ok(!capped.allowed && capped.reason === 'throttled' && capped.retryAt === many.lastFailureAt + policy.maxDelayMs);
  });

  it('locks a username after its limit, until the lock ends', () => {
    const locked = failures(policy.lockUserAfter, policy.lockUserAfter)!;
    assert.equal(locked.lockedUntil, locked.lastFailureAt + policy.lockMs);
    const during = throttleDecision(locked, policy, locked.lastFailureAt + policy.lockMs - 1);
    assert.deepEqual(during, { allowed: false, reason: 'locked', lockedUntil: locked.lockedUntil });
    assert.deepEqual(throttleDecision(locked, policy, locked.lastFailureAt + policy.lockMs + policy.windowMs + 1), { allowed: true });
  });

  it('an address has a higher limit than a username', () => {
    const nine = failures(policy.lockUserAfter, policy.lockAddressAfter)!;
    assert.equal(nine.lockedUntil, null);
  });

  it('forgets failures older than the window', () => {
    const old = failures(5, policy.lockUserAfter)!;
    const later = old.lastFailureAt + policy.windowMs + 1;
    assert.deepEqual(throttleDecision(old, policy, later), { allowed: true });
    assert.equal(failureAfter(old, old.key, policy.lockUserAfter, policy, later).failures, 1);
  });

  it('the stricter of the user and address decisions wins, a lock above all', () => {
    const allowed = { allowed: true } as const;
    const throttled = { allowed: false, reason: 'throttled', retryAt: 5 } as const;
    const locked = { allowed: false, reason: 'locked', lockedUntil: 9 } as const;
    assert.deepEqual(stricterDecision(allowed, throttled), throttled);
    assert.deepEqual(stricterDecision(throttled, locked), locked);
    assert.deepEqual(stricterDecision(locked, allowed), locked);
    assert.deepEqual(stricterDecision(allowed, allowed), allowed);
  });
});
