import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { OutboxEvent } from '../../src/domain/index.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { dialectSkip, dialects, freshStore, type FreshStore } from '../support/stores.js';
import { newOperation } from './fixtures.js';

const DEVICES = ['dev-x', 'dev-y', 'dev-z'];
const OPS_PER_DEVICE = 8;
const CLAIMERS = 20;
const EXECUTOR = 'ssh';

/** The most operations ever running at once on any device, replaying events in seq (= commit) order. */
function maxRunningPerDevice(events: readonly OutboxEvent[]): number {
  const running = new Map<string, number>();
  let max = 0;
  for (const event of events) {
    const device = event.payload.deviceId as string | null;
    if (device === null || !event.type.startsWith('operation.')) continue;
    if (event.payload.to === 'running') running.set(device, (running.get(device) ?? 0) + 1);
    else if (event.payload.from === 'running') running.set(device, (running.get(device) ?? 0) - 1);
    max = Math.max(max, running.get(device) ?? 0);
  }
  return max;
}

/** One worker: claim, hold the operation a moment, complete it; until every operation is done. */
async function claimer(store: Store, workerId: string, progress: { done: number; total: number }): Promise<void> {
  while (progress.done < progress.total) {
    const claim = await store.operations.claimNext({ workerId, leaseMs: 60_000, perDeviceLimit: 1, executors: [EXECUTOR] });
    if (!claim) {
      await sleep(2);
      continue;
    }
    await sleep(1);
    await store.operations.complete(claim.operation.id, claim.attempt.id, workerId, { outcome: 'succeeded', nextStatus: 'succeeded' });
    progress.done += 1;
  }
}

/**
 * A batching worker, as the engine is: claims up to 3 at once (one transaction, several device
 * locks), holds them a moment, reports them together.
 */
async function batchClaimer(store: Store, workerId: string, progress: { done: number; total: number }): Promise<void> {
  while (progress.done < progress.total) {
    const claims = await store.operations.claimMany({ workerId, leaseMs: 60_000, perDeviceLimit: 1, executors: [EXECUTOR] }, 3);
    if (claims.length === 0) {
      await sleep(2);
      continue;
    }
    assert.equal(new Set(claims.map((claim) => claim.operation.deviceId)).size, claims.length, 'one batch took two operations of one device');
    await sleep(1);
    const outcomes = await store.operations.completeMany(
      claims.map((claim) => ({ operationId: claim.operation.id, attemptId: claim.attempt.id, workerId, result: { outcome: 'succeeded', nextStatus: 'succeeded' } })),
    );
    assert.ok(outcomes.every((outcome) => outcome.ok), 'every batched report was taken');
    progress.done += claims.length;
  }
}

/** Samples running operations per device in one statement each time; returns the highest count seen. */
async function sampleRunning(store: Store, progress: { done: number; total: number }): Promise<number> {
  let max = 0;
  while (progress.done < progress.total) {
    const running = (await store.operations.list({ status: ['running'] }, { limit: 1000 })).items;
    for (const device of DEVICES) max = Math.max(max, running.filter((op) => op.deviceId === device).length);
    await sleep(1);
  }
  return max;
}

for (const dialect of dialects) {
  describe(`per-device limit under concurrent claimers (${dialect})`, { skip: await dialectSkip(dialect) }, () => {
    let fresh: FreshStore;
    const extra: Store[] = [];
    before(async () => {
      fresh = await freshStore(dialect);
      // PostgreSQL: several pools, as several worker processes would have. SQLite serves one process: one store.
      if (fresh.store.capabilities.multiProcess) {
        for (let i = 0; i < 3; i += 1) extra.push(await openStore({ url: fresh.url }));
      }
    });
    after(async () => {
      for (const store of extra) await store.close();
      await fresh?.cleanup();
    });

    for (const [mode, run] of [['one at a time', claimer], ['in batches of 3', batchClaimer]] as const) {
      it(`${CLAIMERS} claimers (${mode}) never run two operations on one device at once, and run each exactly once`, async () => {
        const ops = await fresh.store.operations.submitMany(
          DEVICES.flatMap((deviceId) => Array.from({ length: OPS_PER_DEVICE }, () => newOperation({ executor: EXECUTOR, deviceId }))),
        );
        const stores = [fresh.store, ...extra];
        const progress = { done: 0, total: ops.length };
        const sampler = sampleRunning(fresh.store, progress);
        await Promise.all(Array.from({ length: CLAIMERS }, (_, i) => run(stores[i % stores.length]!, `worker-${i}`, progress)));
        assert.equal(await sampler, 1, 'a sample saw more than one running operation on a device, or never saw one');

        for (const op of ops) {
          const stored = await fresh.store.operations.get(op.id);
          assert.deepEqual([stored?.status, stored?.attemptCount], ['succeeded', 1]);
          assert.equal((await fresh.store.operations.attempts(op.id)).length, 1);
        }
        const events = (await fresh.store.outbox.read(0, 10_000)).filter((e) => ops.some((op) => op.id === e.subjectId));
        assert.equal(events.filter((e) => e.type === 'operation.running').length, ops.length);
        assert.equal(maxRunningPerDevice(events), 1);
      });
    }
  });
}
