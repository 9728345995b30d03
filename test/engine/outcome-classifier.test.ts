import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_RETRY_POLICY, DEFAULT_TIMEOUTS, OstiaryError } from '../../src/domain/index.js';
import type { Operation } from '../../src/domain/index.js';
import { classifyOutcome } from '../../src/engine/outcome-classifier.js';
import { FinalExecutorError, RetryableExecutorError } from '../../src/executors/executor.js';

const NOW = 1_700_000_000_000;
const operation = {
  retryPolicy: { ...DEFAULT_RETRY_POLICY, maxAttempts: 2, intervalMs: 1_000, backoff: 2 },
  timeouts: { ...DEFAULT_TIMEOUTS, totalMs: 5_000 },
} as Operation; // only the fields the classifier reads

describe('outcome classifier', () => {
  it('records a success with its summary', () => {
    assert.deepEqual(classifyOutcome({ kind: 'succeeded', summary: '2 lines, exit 0' }, operation, 1, NOW), {
      outcome: 'succeeded', nextStatus: 'succeeded', message: '2 lines, exit 0',
    });
  });

  it('retries a retryable executor error by the policy, then fails', () => {
    const error = new RetryableExecutorError('OST_EXEC_CONNECT', 'refused');
    assert.deepEqual(classifyOutcome({ kind: 'error', error }, operation, 1, NOW), {
      outcome: 'retryable_error', nextStatus: 'scheduled', retryAt: NOW + 1_000, errorCode: 'OST_EXEC_CONNECT', message: 'refused',
    });
    assert.deepEqual(classifyOutcome({ kind: 'error', error }, operation, 2, NOW), {
      outcome: 'retryable_error', nextStatus: 'failed', errorCode: 'OST_EXEC_CONNECT', message: 'refused',
    });
  });

  it('fails at once on a final executor error or a final OstiaryError', () => {
    const final = classifyOutcome({ kind: 'error', error: new FinalExecutorError('OST_EXEC_AUTH', 'denied') }, operation, 1, NOW);
    assert.deepEqual(final, { outcome: 'failed', nextStatus: 'failed', errorCode: 'OST_EXEC_AUTH', message: 'denied' });
    const unfilled = classifyOutcome({ kind: 'error', error: new OstiaryError('OST_MASK_UNFILLED', 'no value for [#X#]') }, operation, 1, NOW);
    assert.equal(unfilled.nextStatus, 'failed');
    assert.equal(unfilled.errorCode, 'OST_MASK_UNFILLED');
  });

  it('retries a store outage seen while building the context', () => {
    const result = classifyOutcome({ kind: 'error', error: new OstiaryError('OST_STORE', 'down') }, operation, 1, NOW);
    assert.equal(result.nextStatus, 'scheduled');
  });

  it('turns an unknown error into a final OST_INTERNAL that does not repeat its text', () => {
    const result = classifyOutcome({ kind: 'error', error: new TypeError('secret-ish detail') }, operation, 1, NOW);
    assert.equal(result.errorCode, 'OST_INTERNAL');
    assert.equal(result.nextStatus, 'failed');
    assert.ok(!(result.message ?? '').includes('secret-ish'));
  });

  it('maps stops: cancel ends cancelled, timeout follows the policy, shutdown requeues now', () => {
    assert.deepEqual(classifyOutcome({ kind: 'stopped', reason: 'cancelled' }, operation, 1, NOW), {
      outcome: 'cancelled', nextStatus: 'cancelled', errorCode: 'OST_EXEC_CANCELLED', message: 'cancelled while running',
    });
    const timeout = classifyOutcome({ kind: 'stopped', reason: 'timeout' }, operation, 2, NOW);
    assert.deepEqual(timeout, { outcome: 'timeout', nextStatus: 'failed', errorCode: 'OST_OPERATION_TIMEOUT', message: 'the operation exceeded its time limit of 5000 ms' });
    const shutdown = classifyOutcome({ kind: 'stopped', reason: 'shutdown' }, operation, 2, NOW);
    assert.equal(shutdown.nextStatus, 'scheduled');
    assert.equal(shutdown.retryAt, NOW);
  });
});
