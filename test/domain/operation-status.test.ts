import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  OPERATION_STATUSES,
  OPERATION_STATUS_LABELS,
  OstiaryError,
  assertTransition,
  canTransition,
  isTerminal,
} from '../../src/domain/index.js';

describe('operation status machine', () => {
  it('allows the transitions of DESIGN §3', () => {
    assert.ok(canTransition('waiting_approval', 'scheduled'));
    assert.ok(canTransition('waiting_approval', 'expired'));
    assert.ok(canTransition('scheduled', 'running'));
    assert.ok(canTransition('running', 'scheduled'));
    assert.ok(canTransition('running', 'cancelled'));
    assert.ok(canTransition('failed', 'scheduled'));
  });

  it('refuses illegal transitions with OST_ILLEGAL_TRANSITION', () => {
    assert.throws(
      () => assertTransition('succeeded', 'running'),
      (error: unknown) => error instanceof OstiaryError && error.code === 'OST_ILLEGAL_TRANSITION',
    );
    assert.equal(canTransition('waiting_approval', 'running'), false);
    assert.equal(canTransition('scheduled', 'succeeded'), false);
  });

  it('has terminal states and a label for every status', () => {
    assert.deepEqual(OPERATION_STATUSES.filter(isTerminal), ['succeeded', 'cancelled', 'expired']);
    for (const status of OPERATION_STATUSES) assert.ok(OPERATION_STATUS_LABELS[status].length > 0);
    assert.equal(OPERATION_STATUS_LABELS.running, 'In execution');
  });
});
