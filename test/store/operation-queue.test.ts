import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_RETRY_POLICY, DEFAULT_TIMEOUTS, PRIORITY_IMMEDIATE, type Operation } from '../../src/domain/index.js';
import { dialectSkip, dialects, freshStore, type FreshStore } from '../support/stores.js';
import { ManualClock, allEvents, newOperation, rejectsWith, uniqueExecutor } from './fixtures.js';

const WORKER = 'worker-1';

for (const dialect of dialects) {
  describe(`operation queue: submit, list, user commands (${dialect})`, { skip: await dialectSkip(dialect) }, () => {
    const clock = new ManualClock();
    let fresh: FreshStore;
    before(async () => (fresh = await freshStore(dialect, { clock: clock.read })));
    after(async () => fresh?.cleanup());

    async function claimRunning(executor: string): Promise<Operation> {
      const claim = await fresh.store.operations.claimNext({ workerId: WORKER, leaseMs: 60_000, perDeviceLimit: 1, executors: [executor] });
      assert.ok(claim, 'expected a claim');
      return claim.operation;
    }

    it('submits with defaults and reads the operation back', async () => {
      const op = await fresh.store.operations.submit(newOperation({ runId: 'run-1', parentId: 'parent-1' }));
      assert.equal(op.status, 'scheduled');
      assert.equal(op.priority, 0);
      assert.equal(op.notBefore, clock.now);
      assert.equal(op.attemptCount, 0);
      assert.deepEqual(op.retryPolicy, DEFAULT_RETRY_POLICY);
      assert.deepEqual(op.timeouts, DEFAULT_TIMEOUTS);
      assert.deepEqual(op.variables, { SERVICE: 'backup' });
      assert.deepEqual([op.leaseOwner, op.leaseExpiresAt, op.cancelRequested, op.finishedAt], [null, null, false, null]);
      assert.deepEqual(await fresh.store.operations.get(op.id), op);
      assert.equal(await fresh.store.operations.get('missing'), null);
    });

    it('appends operation.<status> events with ids and no variable values', async () => {
      const before = (await allEvents(fresh.store)).length;
      const marker = 'VARIABLE-VALUE-MARKER';
      const [a, b] = await fresh.store.operations.submitMany([
        newOperation({ variables: { TOKEN: marker } }),
        newOperation({ status: 'waiting_approval', runId: 'run-2' }),
      ]);
      const events = (await allEvents(fresh.store)).slice(before);
      assert.deepEqual(events.map((e) => [e.type, e.subjectId]), [['operation.scheduled', a?.id], ['operation.waiting_approval', b?.id]]);
      assert.deepEqual(events[1]?.payload, { operationId: b?.id, deviceId: null, credentialId: null, runId: 'run-2', from: null, to: 'waiting_approval', requester: 'alice' });
      assert.ok(!JSON.stringify(events).includes(marker));
    });

    it('rejects invalid operations naming the field, and writes nothing from a bad batch', async () => {
      const count = (await fresh.store.operations.list({}, { limit: 1000 })).items.length;
      const one = await rejectsWith(fresh.store.operations.submit(newOperation({ templateVersion: 0 })), 'OST_VALIDATION');
      assert.equal(one.details.field, 'operation.templateVersion');
      const many = await rejectsWith(fresh.store.operations.submitMany([newOperation(), newOperation({ type: 'dance' as never })]), 'OST_VALIDATION');
      assert.equal(many.details.field, 'operations[1].type');
      assert.equal((await fresh.store.operations.list({}, { limit: 1000 })).items.length, count);
      assert.deepEqual(await fresh.store.operations.submitMany([]), []);
    });

    it('lists newest first with filters and stable cursor pages', async () => {
      const runId = 'run-list';
      const ids: string[] = [];
      for (let i = 0; i < 7; i += 1) {
        // Two operations per millisecond: ties on created_at are broken by id.
        if (i % 2 === 0) clock.advance(1);
        ids.push((await fresh.store.operations.submit(newOperation({ runId, requester: i < 5 ? 'alice' : 'bob' }))).id);
      }
      const seen: Operation[] = [];
      let after: string | undefined;
      do {
        const page = await fresh.store.operations.list({ runId }, { limit: 3, ...(after ? { after } : {}) });
        seen.push(...page.items);
        after = page.next ?? undefined;
      } while (after);
      assert.equal(seen.length, 7);
      assert.deepEqual(new Set(seen.map((o) => o.id)), new Set(ids));
      for (let i = 1; i < seen.length; i += 1) {
        const [prev, cur] = [seen[i - 1]!, seen[i]!];
        assert.ok(prev.createdAt > cur.createdAt || (prev.createdAt === cur.createdAt && prev.id > cur.id), 'newest first, then id desc');
      }
      assert.equal((await fresh.store.operations.list({ runId, requester: 'bob' })).items.length, 2);
      const created = seen.map((o) => o.createdAt);
      const from = Math.min(...created) + 1;
      const windowed = await fresh.store.operations.list({ runId, createdFrom: from, createdTo: from + 1 });
      assert.ok(windowed.items.length > 0 && windowed.items.every((o) => o.createdAt === from));
      assert.equal((await fresh.store.operations.list({ runId, status: ['running'] })).items.length, 0);
      assert.equal((await fresh.store.operations.list({ runId, status: [] })).items.length, 0);
      await rejectsWith(fresh.store.operations.list({ status: ['bogus' as never] }), 'OST_VALIDATION');
    });

    it('cancels a scheduled or waiting operation at once, with an event naming the actor', async () => {
      const scheduled = await fresh.store.operations.submit(newOperation());
      const waiting = await fresh.store.operations.submit(newOperation({ status: 'waiting_approval' }));
      for (const op of [scheduled, waiting]) {
        const cancelled = await fresh.store.operations.requestCancel(op.id, 'carol');
        assert.equal(cancelled.status, 'cancelled');
        assert.equal(cancelled.finishedAt, clock.now);
        const last = (await allEvents(fresh.store)).at(-1);
        assert.deepEqual([last?.type, last?.payload.from, last?.payload.actor], ['operation.cancelled', op.status, 'carol']);
      }
    });

    it('flags a running operation for cooperative cancel; heartbeat reports it', async () => {
      const executor = uniqueExecutor();
      await fresh.store.operations.submit(newOperation({ executor }));
      const claim = await fresh.store.operations.claimNext({ workerId: WORKER, leaseMs: 60_000, perDeviceLimit: 1, executors: [executor] });
      assert.ok(claim);
      const flagged = await fresh.store.operations.requestCancel(claim.operation.id, 'carol');
      assert.deepEqual([flagged.status, flagged.cancelRequested], ['running', true]);
      assert.equal((await allEvents(fresh.store)).at(-1)?.type, 'operation.cancel_requested');
      // Asking twice changes nothing and adds no event.
      const count = (await allEvents(fresh.store)).length;
      await fresh.store.operations.requestCancel(claim.operation.id, 'carol');
      assert.equal((await allEvents(fresh.store)).length, count);
      const beat = await fresh.store.operations.heartbeat(claim.operation.id, claim.attempt.id, WORKER, 60_000);
      assert.equal(beat?.cancelRequested, true);
      const done = await fresh.store.operations.complete(claim.operation.id, claim.attempt.id, WORKER, { outcome: 'cancelled', nextStatus: 'cancelled' });
      assert.equal(done.status, 'cancelled');
    });

    it('refuses to cancel a terminal operation and reports a missing one', async () => {
      const op = await fresh.store.operations.submit(newOperation());
      await fresh.store.operations.requestCancel(op.id, 'carol');
      await rejectsWith(fresh.store.operations.requestCancel(op.id, 'carol'), 'OST_ILLEGAL_TRANSITION');
      await rejectsWith(fresh.store.operations.requestCancel('missing', 'carol'), 'OST_NOT_FOUND');
      await rejectsWith(fresh.store.operations.requestCancel(op.id, ''), 'OST_VALIDATION');
    });

    it('restarts a failed operation: scheduled, due now, attempts kept; only from failed', async () => {
      const executor = uniqueExecutor();
      const op = await fresh.store.operations.submit(newOperation({ executor, notBefore: clock.now - 1000 }));
      await rejectsWith(fresh.store.operations.restart(op.id, 'dave'), 'OST_ILLEGAL_TRANSITION');
      const running = await claimRunning(executor);
      await rejectsWith(fresh.store.operations.restart(op.id, 'dave'), 'OST_ILLEGAL_TRANSITION');
      const attempt = (await fresh.store.operations.attempts(op.id))[0]!;
      await fresh.store.operations.complete(running.id, attempt.id, WORKER, { outcome: 'failed', nextStatus: 'failed', errorCode: 'OST_EXEC_AUTH', message: 'rejected' });
      clock.advance(5000);
      const restarted = await fresh.store.operations.restart(op.id, 'dave');
      assert.deepEqual([restarted.status, restarted.notBefore, restarted.attemptCount, restarted.finishedAt], ['scheduled', clock.now, 1, null]);
      const last = (await allEvents(fresh.store)).at(-1);
      assert.deepEqual([last?.type, last?.payload.from, last?.payload.actor, last?.payload.reason], ['operation.scheduled', 'failed', 'dave', 'restart']);
      const again = await claimRunning(executor);
      assert.equal(again.attemptCount, 2);
      assert.deepEqual((await fresh.store.operations.attempts(op.id)).map((a) => a.number), [1, 2]);
    });

    it('runs a scheduled operation immediately: top priority, due now; only when scheduled', async () => {
      const executor = uniqueExecutor();
      const later = await fresh.store.operations.submit(newOperation({ executor, notBefore: clock.now + 3_600_000 }));
      await fresh.store.operations.submit(newOperation({ executor, priority: 50, notBefore: clock.now - 10 }));
      const urgent = await fresh.store.operations.runImmediately(later.id, 'erin');
      assert.deepEqual([urgent.priority, urgent.notBefore, urgent.status], [PRIORITY_IMMEDIATE, clock.now, 'scheduled']);
      assert.deepEqual((await allEvents(fresh.store)).at(-1)?.payload.actor, 'erin');
      const claimed = await claimRunning(executor);
      assert.equal(claimed.id, later.id);
      await rejectsWith(fresh.store.operations.runImmediately(later.id, 'erin'), 'OST_ILLEGAL_TRANSITION');
      await rejectsWith(fresh.store.operations.runImmediately('missing', 'erin'), 'OST_NOT_FOUND');
    });

    it('releases waiting operations all or nothing', async () => {
      const [a, b, c] = await fresh.store.operations.submitMany([
        newOperation({ status: 'waiting_approval' }),
        newOperation({ status: 'waiting_approval' }),
        newOperation({ status: 'waiting_approval' }),
      ]);
      const scheduled = await fresh.store.operations.submit(newOperation());
      await rejectsWith(fresh.store.operations.release([a!.id, scheduled.id], 'scheduled', 'frank'), 'OST_ILLEGAL_TRANSITION');
      assert.equal((await fresh.store.operations.get(a!.id))?.status, 'waiting_approval');
      await rejectsWith(fresh.store.operations.release([a!.id, 'missing'], 'scheduled', 'frank'), 'OST_NOT_FOUND');
      await fresh.store.operations.release([a!.id, b!.id], 'scheduled', 'frank');
      await fresh.store.operations.release([c!.id], 'expired', 'system');
      const statuses = await Promise.all([a, b, c].map(async (op) => (await fresh.store.operations.get(op!.id))?.status));
      assert.deepEqual(statuses, ['scheduled', 'scheduled', 'expired']);
      assert.equal((await fresh.store.operations.get(c!.id))?.finishedAt, clock.now);
      const types = (await allEvents(fresh.store)).slice(-3).map((e) => [e.type, e.subjectId]);
      assert.deepEqual(types, [['operation.scheduled', a!.id], ['operation.scheduled', b!.id], ['operation.expired', c!.id]]);
    });
  });

  describe(`operation queue: stats (${dialect})`, { skip: await dialectSkip(dialect) }, () => {
    const clock = new ManualClock();
    let fresh: FreshStore;
    before(async () => (fresh = await freshStore(dialect, { clock: clock.read })));
    after(async () => fresh?.cleanup());

    it('counts by status and measures the age of the oldest due operation', async () => {
      assert.deepEqual(await fresh.store.operations.stats(), { byStatus: {}, byStatusAndExecutor: [], dueCount: 0, oldestDueAgeMs: 0 });
      await fresh.store.operations.submit(newOperation({ notBefore: clock.now - 4000 }));
      await fresh.store.operations.submit(newOperation({ notBefore: clock.now - 1000 }));
      await fresh.store.operations.submit(newOperation({ notBefore: clock.now + 60_000 }));
      await fresh.store.operations.submit(newOperation({ status: 'waiting_approval' }));
      await fresh.store.operations.claimNext({ workerId: WORKER, leaseMs: 1000, perDeviceLimit: 1, executors: ['ssh'] });
      clock.advance(500);
      const stats = await fresh.store.operations.stats();
      assert.deepEqual(stats.byStatus, { scheduled: 2, running: 1, waiting_approval: 1 });
      // The -4000 one was claimed; the -1000 one has waited 1500 ms since it became due.
      assert.equal(stats.oldestDueAgeMs, 1500);
      assert.equal(stats.dueCount, 1);
      assert.equal(stats.byStatusAndExecutor.find((c) => c.status === 'scheduled')?.executor, 'ssh');
    });
  });
}
