import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dialectSkip, dialects, freshStore, type FreshStore } from '../support/stores.js';
import { ManualClock, allEvents, claimRequest, newOperation, rejectsWith, uniqueExecutor } from './fixtures.js';

for (const dialect of dialects) {
  describe(`claimNext (${dialect})`, { skip: await dialectSkip(dialect) }, () => {
    const clock = new ManualClock();
    let fresh: FreshStore;
    before(async () => (fresh = await freshStore(dialect, { clock: clock.read })));
    after(async () => fresh?.cleanup());

    it('starts a running attempt: lease, attempt 1, event', async () => {
      const executor = uniqueExecutor();
      const op = await fresh.store.operations.submit(newOperation({ executor, deviceId: 'dev-a' }));
      const claim = await fresh.store.operations.claimNext(claimRequest(executor, { workerId: 'w-start', leaseMs: 5000 }));
      assert.ok(claim);
      assert.equal(claim.operation.id, op.id);
      assert.deepEqual(
        [claim.operation.status, claim.operation.leaseOwner, claim.operation.leaseExpiresAt, claim.operation.attemptCount],
        ['running', 'w-start', clock.now + 5000, 1],
      );
      assert.deepEqual(
        [claim.attempt.number, claim.attempt.workerId, claim.attempt.startedAt, claim.attempt.outcome, claim.attempt.transcript],
        [1, 'w-start', clock.now, null, ''],
      );
      assert.deepEqual(await fresh.store.operations.attempts(op.id), [claim.attempt]);
      const last = (await allEvents(fresh.store)).at(-1);
      assert.deepEqual([last?.type, last?.payload.attemptId, last?.payload.from], ['operation.running', claim.attempt.id, 'scheduled']);
    });

    it('takes priority desc, then not_before, then created_at', async () => {
      const executor = uniqueExecutor();
      const at = clock.now;
      const submit = async (label: string, priority: number, notBefore: number) => {
        clock.advance(1);
        const op = await fresh.store.operations.submit(newOperation({ executor, priority, notBefore, variables: { LABEL: label } }));
        return [op.id, label] as const;
      };
      const labels = new Map([
        await submit('low-early', 0, at - 300),
        await submit('high-late', 10, at - 100),
        await submit('high-early', 10, at - 200),
        await submit('low-late-first', 0, at - 100),
        await submit('low-late-second', 0, at - 100),
      ]);
      const order: string[] = [];
      for (;;) {
        const claim = await fresh.store.operations.claimNext(claimRequest(executor));
        if (!claim) break;
        order.push(labels.get(claim.operation.id) ?? '?');
      }
      assert.deepEqual(order, ['high-early', 'high-late', 'low-early', 'low-late-first', 'low-late-second']);
    });

    it('respects not_before: nothing before it is due, then the operation is claimable', async () => {
      const executor = uniqueExecutor();
      const op = await fresh.store.operations.submit(newOperation({ executor, notBefore: clock.now + 10_000 }));
      assert.equal(await fresh.store.operations.claimNext(claimRequest(executor)), null);
      clock.advance(9_999);
      assert.equal(await fresh.store.operations.claimNext(claimRequest(executor)), null);
      clock.advance(1);
      assert.equal((await fresh.store.operations.claimNext(claimRequest(executor)))?.operation.id, op.id);
    });

    it('claims only operations of the executors the worker has', async () => {
      const [mine, other] = [uniqueExecutor(), uniqueExecutor()];
      await fresh.store.operations.submit(newOperation({ executor: other, priority: 99 }));
      const op = await fresh.store.operations.submit(newOperation({ executor: mine }));
      assert.equal((await fresh.store.operations.claimNext(claimRequest(mine, { executors: [mine, 'never'] })))?.operation.id, op.id);
      assert.equal(await fresh.store.operations.claimNext(claimRequest(mine)), null);
      assert.equal(await fresh.store.operations.claimNext(claimRequest(mine, { executors: [] })), null);
    });

    it('skips waiting, cancelled and running operations', async () => {
      const executor = uniqueExecutor();
      await fresh.store.operations.submit(newOperation({ executor, status: 'waiting_approval' }));
      const cancelled = await fresh.store.operations.submit(newOperation({ executor }));
      await fresh.store.operations.requestCancel(cancelled.id, 'x');
      assert.equal(await fresh.store.operations.claimNext(claimRequest(executor)), null);
    });

    it('keeps to the per-device limit and passes over a full device to the next one', async () => {
      const executor = uniqueExecutor();
      const [a1, a2, a3] = await fresh.store.operations.submitMany([
        newOperation({ executor, deviceId: 'dev-limit-a', priority: 3 }),
        newOperation({ executor, deviceId: 'dev-limit-a', priority: 3 }),
        newOperation({ executor, deviceId: 'dev-limit-a', priority: 3 }),
      ]);
      const b = await fresh.store.operations.submit(newOperation({ executor, deviceId: 'dev-limit-b', priority: 1 }));
      const free = await fresh.store.operations.submit(newOperation({ executor, deviceId: null, priority: 0 }));
      const limit2 = claimRequest(executor, { perDeviceLimit: 2 });
      const claimed: string[] = [];
      for (;;) {
        const claim = await fresh.store.operations.claimNext(limit2);
        if (!claim) break;
        claimed.push(claim.operation.id);
      }
      // Two on device a (its limit), then b, then the device-less one; the third on a waits.
      assert.equal(claimed.length, 4);
      const onA = [a1!.id, a2!.id, a3!.id];
      assert.ok(claimed.slice(0, 2).every((id) => onA.includes(id)));
      assert.deepEqual(claimed.slice(2), [b.id, free.id]);
      const waiting = [a1!, a2!, a3!].find((op) => !claimed.includes(op.id));
      assert.equal((await fresh.store.operations.get(waiting!.id))?.status, 'scheduled');
    });

    it('does not limit operations without a device', async () => {
      const executor = uniqueExecutor();
      await fresh.store.operations.submitMany(Array.from({ length: 4 }, () => newOperation({ executor, deviceId: null })));
      let count = 0;
      while (await fresh.store.operations.claimNext(claimRequest(executor))) count += 1;
      assert.equal(count, 4);
    });

    it('validates the request', async () => {
      const error = await rejectsWith(fresh.store.operations.claimNext(claimRequest('x', { perDeviceLimit: 0 })), 'OST_VALIDATION');
      assert.equal(error.details.field, 'claim.perDeviceLimit');
      await rejectsWith(fresh.store.operations.claimNext(claimRequest('x', { workerId: '' })), 'OST_VALIDATION');
      await rejectsWith(fresh.store.operations.claimNext(claimRequest('x', { leaseMs: 0 })), 'OST_VALIDATION');
    });
  });
}
