import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openStore } from '../../src/store/open-store.js';
import type { RecoveredOperation, Store } from '../../src/store/store.js';
import { dialectSkip, dialects, freshStore, type FreshStore } from '../support/stores.js';
import { ManualClock, newOperation } from './fixtures.js';

/** More than one recovery batch (100), so recoverers also meet between batches. */
const OPERATIONS = 150;

for (const dialect of dialects) {
  describe(`lease recovery by several nodes at once (${dialect})`, { skip: await dialectSkip(dialect) }, () => {
    const clock = new ManualClock();
    let fresh: FreshStore;
    let other: Store;
    before(async () => {
      fresh = await freshStore(dialect, { clock: clock.read });
      // PostgreSQL: a second pool, as another node has. SQLite serves one process: the same store.
      other = fresh.store.capabilities.multiProcess ? await openStore({ url: fresh.url, clock: clock.read }) : fresh.store;
    });
    after(async () => {
      if (other !== fresh?.store) await other?.close();
      await fresh?.cleanup();
    });

    it('recovers every expired operation exactly once', async () => {
      const ops = await fresh.store.operations.submitMany(Array.from({ length: OPERATIONS }, () => newOperation({ executor: 'ssh' })));
      for (let i = 0; i < OPERATIONS; i += 1) {
        assert.ok(await fresh.store.operations.claimNext({ workerId: `w${i % 7}`, leaseMs: 1000, perDeviceLimit: 1, executors: ['ssh'] }));
      }
      const now = clock.advance(2000);
      const recoverers = [fresh.store, other, fresh.store, other];
      const results = await Promise.all(recoverers.map((store) => store.operations.recoverExpiredLeases(now)));
      const all: RecoveredOperation[] = results.flat();
      assert.equal(all.length, OPERATIONS);
      assert.equal(new Set(all.map((r) => r.operationId)).size, OPERATIONS);
      assert.ok(all.every((r) => r.nextStatus === 'scheduled'));

      for (const op of ops) {
        const attempts = await fresh.store.operations.attempts(op.id);
        assert.deepEqual(attempts.map((a) => a.outcome), ['abandoned']);
        assert.equal((await fresh.store.operations.get(op.id))?.status, 'scheduled');
      }
      const events = await fresh.store.outbox.read(0, 10_000);
      assert.equal(events.filter((e) => e.payload.outcome === 'abandoned').length, OPERATIONS);
      assert.deepEqual(await other.operations.recoverExpiredLeases(now), []);
    });
  });
}
