import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Operation } from '../../src/domain/index.js';
import { CompletionBatcher, GATHER_MS, type ClaimRefill } from '../../src/engine/completion-batcher.js';
import type { AttemptResult, Claim, ClaimRequest, CompletedBatch, Completion, Store } from '../../src/store/store.js';

const OK: AttemptResult = { outcome: 'succeeded', nextStatus: 'succeeded' };
const REQUEST: ClaimRequest = { workerId: 'w1', leaseMs: 1000, perDeviceLimit: 1, executors: ['noop'] };

/** A pure unit test: the store is a fake that records each batch it was asked to write. */
function fakeStore(claimsPerBatch = 0): { store: Pick<Store, 'operations' | 'capabilities'>; batches: { items: string[]; max: number | null }[] } {
  const batches: { items: string[]; max: number | null }[] = [];
  const outcome = (item: Completion) => ({ ok: true as const, operation: { id: item.operationId } as Operation });
  const operations = {
    completeMany: async (items: readonly Completion[]) => {
      batches.push({ items: items.map((item) => item.operationId), max: null });
      return items.map(outcome);
    },
    completeAndClaim: async (items: readonly Completion[], _request: ClaimRequest, max: number): Promise<CompletedBatch> => {
      batches.push({ items: items.map((item) => item.operationId), max });
      const claims = Array.from({ length: Math.min(max, claimsPerBatch) }, (_, i) => ({ attempt: { id: `new-${batches.length}-${i}` } }) as Claim);
      return { outcomes: items.map(outcome), claims };
    },
  } as unknown as Store['operations'];
  return { store: { operations, capabilities: { dialect: 'sqlite', multiProcess: false, crossProcessSignals: false } }, batches };
}

class FakeWorker implements ClaimRefill {
  reserved = 0;
  adopted: Claim[] = [];
  constructor(public runningNow: number, private readonly slots: number) {}
  running(): number {
    return this.runningNow;
  }
  reserve(finishing: number): { request: ClaimRequest; max: number } {
    const max = Math.max(0, this.slots - (this.runningNow - finishing) - this.reserved);
    this.reserved += max;
    return { request: REQUEST, max };
  }
  adopt(claims: readonly Claim[], reserved: number): void {
    this.reserved -= reserved;
    this.adopted.push(...claims);
  }
}

describe('CompletionBatcher', () => {
  it('writes a report at once when no other attempt of the worker is running', () => {
    const { store, batches } = fakeStore();
    const batcher = new CompletionBatcher(store);
    batcher.refillWith(new FakeWorker(1, 4));
    void batcher.complete('op-1', 'a-1', 'w1', OK);
    assert.deepEqual(batches, [{ items: ['op-1'], max: 4 }], 'written in the same tick, claiming the freed slots');
  });

  it('gathers the reports of the other running attempts into one batch', async () => {
    const { store, batches } = fakeStore();
    const batcher = new CompletionBatcher(store);
    batcher.refillWith(new FakeWorker(4, 4));
    const done = [batcher.complete('op-1', 'a-1', 'w1', OK), batcher.complete('op-2', 'a-2', 'w1', OK)];
    assert.deepEqual(batches, [], 'waits: two more attempts are running');
    done.push(batcher.complete('op-3', 'a-3', 'w1', OK));
    done.push(batcher.complete('op-4', 'a-4', 'w1', OK));
    assert.deepEqual(batches, [{ items: ['op-1', 'op-2', 'op-3', 'op-4'], max: 4 }], 'the last report of the running attempts writes at once');
    assert.deepEqual((await Promise.all(done)).map((operation) => operation.id), ['op-1', 'op-2', 'op-3', 'op-4']);
  });

  it('writes what it gathered after GATHER_MS when the other attempts keep running', async () => {
    const { store, batches } = fakeStore(2);
    const batcher = new CompletionBatcher(store);
    const worker = new FakeWorker(8, 8);
    batcher.refillWith(worker);
    const first = batcher.complete('op-1', 'a-1', 'w1', OK);
    await sleep(GATHER_MS + 20);
    assert.deepEqual(batches, [{ items: ['op-1'], max: 1 }]);
    assert.equal((await first).id, 'op-1');
    assert.deepEqual([worker.adopted.length, worker.reserved], [1, 0], 'the claim was handed over and the reservation released');
  });
});
