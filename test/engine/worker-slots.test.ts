import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { Engine } from '../../src/engine/index.js';
import type { ExecutionContext, ExecutionOutcome, Executor } from '../../src/executors/executor.js';
import type { Store } from '../../src/store/store.js';
import { dialectSkip, dialects, freshStore, type FreshStore } from '../support/stores.js';
import { FAST_SETTINGS, localOperation, tempVault } from './engine-harness.js';

/** In-process executor (no process boundary to cross): counts attempts running at once. */
class SlotCounter implements Executor {
  readonly name = 'slot-counter';
  readonly configSchema = z.object({}).strict();
  inFlight = 0;
  most = 0;
  ran = 0;

  async run(_context: ExecutionContext): Promise<ExecutionOutcome> {
    this.inFlight += 1;
    this.most = Math.max(this.most, this.inFlight);
    try {
      await sleep(20 + Math.random() * 5);
      this.ran += 1;
      return { summary: 'counted' };
    } finally {
      this.inFlight -= 1;
    }
  }
}

/** Counts report batches that also claimed work. */
function countingRefills(store: Store): { store: Store; refills: () => number } {
  let refills = 0;
  const operations: Store['operations'] = Object.freeze({
    ...store.operations,
    completeAndClaim: async (...args: Parameters<Store['operations']['completeAndClaim']>) => {
      const batch = await store.operations.completeAndClaim(...args);
      if (batch.claims.length > 0) refills += 1;
      return batch;
    },
  });
  return { store: Object.freeze({ ...store, operations }), refills: () => refills };
}

for (const dialect of dialects) {
  describe(`worker slots (${dialect})`, { skip: await dialectSkip(dialect) }, () => {
    let fresh: FreshStore;
    let vault: Awaited<ReturnType<typeof tempVault>>;
    before(async () => {
      fresh = await freshStore(dialect);
      vault = await tempVault();
    });
    after(async () => {
      await fresh?.cleanup();
      await vault?.cleanup();
    });

    it('never runs more than its concurrency while reports claim the next work', async () => {
      const executor = new SlotCounter();
      const { template, version } = await fresh.store.templates.create({ name: `slots-${dialect}`, type: 'task', executor: executor.name, source: '# counted', author: 'test' });
      const jobs = 300;
      await fresh.store.operations.submitMany(Array.from({ length: jobs }, () => ({ ...localOperation(template.id, version.version), executor: executor.name })));
      const counted = countingRefills(fresh.store);
      const engine = new Engine({ ...FAST_SETTINGS, store: counted.store, vault: vault.vault, executors: [executor], concurrency: 4 });
      await engine.start();
      try {
        const deadline = Date.now() + 60_000;
        while (executor.ran < jobs && Date.now() < deadline) await sleep(20);
      } finally {
        await engine.stop();
      }
      assert.equal(executor.ran, jobs);
      assert.ok(executor.most <= 4, `${executor.most} attempts ran at once with concurrency 4`);
      assert.equal(executor.most, 4, 'the slots were used');
      assert.ok(counted.refills() > 0, 'reports claimed work in their own transaction');
      const { byStatus } = await fresh.store.operations.stats();
      assert.equal(byStatus.succeeded, jobs);
    });
  });
}
