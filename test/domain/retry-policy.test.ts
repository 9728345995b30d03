import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_RETRY_POLICY, nextRetry, type RetryPolicy } from '../../src/domain/index.js';

describe('retry policy', () => {
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, maxAttempts: 3, intervalMs: 100, backoff: 2, maxIntervalMs: 150 };

  it('backs off within a round and caps the delay', () => {
    assert.deepEqual(nextRetry(policy, 1), { retry: true, delayMs: 100 });
    assert.deepEqual(nextRetry(policy, 2), { retry: true, delayMs: 150 });
  });

  it('fails after the round when there is no interval after exhaustion', () => {
    assert.deepEqual(nextRetry(policy, 3), { retry: false });
  });

  it('starts a new round after the exhaustion interval, up to the hard limit', () => {
    const rounds: RetryPolicy = { ...policy, intervalAfterExhaustionMs: 60_000, hardLimit: 7 };
    assert.deepEqual(nextRetry(rounds, 3), { retry: true, delayMs: 60_000 });
    assert.deepEqual(nextRetry(rounds, 4), { retry: true, delayMs: 100 });
    assert.deepEqual(nextRetry(rounds, 7), { retry: false });
  });
});
