import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_RETRY_POLICY } from '../../src/domain/index.js';
import type { Claim } from '../../src/store/store.js';
import { dialectSkip, dialects, freshStore, type FreshStore } from '../support/stores.js';
import { ManualClock, allEvents, newOperation, rejectsWith, uniqueExecutor } from './fixtures.js';

const LEASE_MS = 10_000;

for (const dialect of dialects) {
  describe(`leases: heartbeat, transcript, complete (${dialect})`, { skip: await dialectSkip(dialect) }, () => {
    const clock = new ManualClock();
    let fresh: FreshStore;
    before(async () => (fresh = await freshStore(dialect, { clock: clock.read })));
    after(async () => fresh?.cleanup());

    async function runningClaim(workerId = 'w1', overrides = {}): Promise<Claim> {
      const executor = uniqueExecutor();
      await fresh.store.operations.submit(newOperation({ executor, ...overrides }));
      const claim = await fresh.store.operations.claimNext({ workerId, leaseMs: LEASE_MS, perDeviceLimit: 1, executors: [executor] });
      assert.ok(claim);
      return claim;
    }

    it('heartbeat extends the lease only for the holder of the current attempt', async () => {
      const { operation, attempt } = await runningClaim();
      clock.advance(4000);
      assert.deepEqual(await fresh.store.operations.heartbeat(operation.id, attempt.id, 'w1', LEASE_MS), {
        leaseExpiresAt: clock.now + LEASE_MS,
        cancelRequested: false,
      });
      assert.equal((await fresh.store.operations.get(operation.id))?.leaseExpiresAt, clock.now + LEASE_MS);
      assert.equal(await fresh.store.operations.heartbeat(operation.id, attempt.id, 'w2', LEASE_MS), null);
      assert.equal(await fresh.store.operations.heartbeat(operation.id, 'other-attempt', 'w1', LEASE_MS), null);
      assert.equal(await fresh.store.operations.heartbeat('missing', attempt.id, 'w1', LEASE_MS), null);
    });

    it('appends transcript text while the worker holds the attempt, and refuses others', async () => {
      const { operation, attempt } = await runningClaim();
      await fresh.store.operations.appendTranscript(attempt.id, 'w1', '$ uptime\n');
      await fresh.store.operations.appendTranscript(attempt.id, 'w1', ' 10:00 up 3 days\n');
      await rejectsWith(fresh.store.operations.appendTranscript(attempt.id, 'w2', 'intruder'), 'OST_LEASE_LOST');
      await fresh.store.operations.complete(operation.id, attempt.id, 'w1', { outcome: 'succeeded', nextStatus: 'succeeded', transcriptTail: '$ exit\n' });
      await rejectsWith(fresh.store.operations.appendTranscript(attempt.id, 'w1', 'late'), 'OST_LEASE_LOST');
      assert.equal((await fresh.store.operations.attempts(operation.id))[0]?.transcript, '$ uptime\n 10:00 up 3 days\n$ exit\n');
    });

    it('complete(succeeded) ends the attempt, clears the lease and finishes the operation', async () => {
      const { operation, attempt } = await runningClaim();
      clock.advance(1234);
      const done = await fresh.store.operations.complete(operation.id, attempt.id, 'w1', { outcome: 'succeeded', nextStatus: 'succeeded' });
      assert.deepEqual(
        [done.status, done.leaseOwner, done.leaseExpiresAt, done.finishedAt, done.lastErrorCode],
        ['succeeded', null, null, clock.now, null],
      );
      const [ended] = await fresh.store.operations.attempts(operation.id);
      assert.deepEqual([ended?.outcome, ended?.endedAt], ['succeeded', clock.now]);
      const last = (await allEvents(fresh.store)).at(-1);
      assert.deepEqual([last?.type, last?.payload.attemptId, last?.payload.outcome], ['operation.succeeded', attempt.id, 'succeeded']);
    });

    it('complete(scheduled) schedules the retry at retryAt and keeps the error; the next claim is attempt 2', async () => {
      const { operation, attempt } = await runningClaim('w1', { deviceId: 'dev-retry' });
      const retryAt = clock.now + 5000;
      const retried = await fresh.store.operations.complete(operation.id, attempt.id, 'w1', {
        outcome: 'retryable_error',
        nextStatus: 'scheduled',
        retryAt,
        errorCode: 'OST_EXEC_CONNECT',
        message: 'connection refused',
      });
      assert.deepEqual(
        [retried.status, retried.notBefore, retried.finishedAt, retried.lastErrorCode, retried.lastErrorMessage, retried.leaseOwner],
        ['scheduled', retryAt, null, 'OST_EXEC_CONNECT', 'connection refused', null],
      );
      const [first] = await fresh.store.operations.attempts(operation.id);
      assert.deepEqual([first?.outcome, first?.errorCode, first?.message], ['retryable_error', 'OST_EXEC_CONNECT', 'connection refused']);
      // Messages and transcripts stay out of the outbox: the event carries ids and the code.
      assert.ok(!JSON.stringify((await allEvents(fresh.store)).at(-1)).includes('connection refused'));
      clock.advance(5000);
      const again = await fresh.store.operations.claimNext({ workerId: 'w2', leaseMs: LEASE_MS, perDeviceLimit: 1, executors: [operation.executor] });
      assert.deepEqual([again?.operation.id, again?.attempt.number, again?.operation.attemptCount], [operation.id, 2, 2]);
    });

    it('complete(failed) finishes with the error', async () => {
      const { operation, attempt } = await runningClaim();
      const failed = await fresh.store.operations.complete(operation.id, attempt.id, 'w1', {
        outcome: 'failed',
        nextStatus: 'failed',
        errorCode: 'OST_EXEC_AUTH',
        message: 'authentication rejected',
      });
      assert.deepEqual([failed.status, failed.finishedAt, failed.lastErrorCode], ['failed', clock.now, 'OST_EXEC_AUTH']);
    });

    it('a cancel requested while running wins over a retry', async () => {
      const { operation, attempt } = await runningClaim();
      await fresh.store.operations.requestCancel(operation.id, 'carol');
      const done = await fresh.store.operations.complete(operation.id, attempt.id, 'w1', { outcome: 'timeout', nextStatus: 'scheduled' });
      assert.equal(done.status, 'cancelled');
    });

    it('complete by a worker that does not hold the lease is OST_LEASE_LOST and changes nothing', async () => {
      const { operation, attempt } = await runningClaim();
      const before = { op: await fresh.store.operations.get(operation.id), attempts: await fresh.store.operations.attempts(operation.id), events: (await allEvents(fresh.store)).length };
      await rejectsWith(fresh.store.operations.complete(operation.id, attempt.id, 'w2', { outcome: 'succeeded', nextStatus: 'succeeded' }), 'OST_LEASE_LOST');
      await rejectsWith(fresh.store.operations.complete(operation.id, 'not-the-attempt', 'w1', { outcome: 'succeeded', nextStatus: 'succeeded' }), 'OST_LEASE_LOST');
      assert.deepEqual(await fresh.store.operations.get(operation.id), before.op);
      assert.deepEqual(await fresh.store.operations.attempts(operation.id), before.attempts);
      assert.equal((await allEvents(fresh.store)).length, before.events);
      await fresh.store.operations.complete(operation.id, attempt.id, 'w1', { outcome: 'succeeded', nextStatus: 'succeeded' });
      // A second report of the same attempt is fenced too.
      await rejectsWith(fresh.store.operations.complete(operation.id, attempt.id, 'w1', { outcome: 'failed', nextStatus: 'failed' }), 'OST_LEASE_LOST');
      await rejectsWith(fresh.store.operations.complete('missing', attempt.id, 'w1', { outcome: 'failed', nextStatus: 'failed' }), 'OST_NOT_FOUND');
    });

    it('validates the attempt result', async () => {
      const { operation, attempt } = await runningClaim();
      const abandoned = await rejectsWith(
        fresh.store.operations.complete(operation.id, attempt.id, 'w1', { outcome: 'abandoned' as never, nextStatus: 'failed' }),
        'OST_VALIDATION',
      );
      assert.equal(abandoned.details.field, 'result.outcome');
      await rejectsWith(fresh.store.operations.complete(operation.id, attempt.id, 'w1', { outcome: 'failed', nextStatus: 'running' as never }), 'OST_VALIDATION');
      assert.equal((await fresh.store.operations.get(operation.id))?.status, 'running');
    });
  });

  describe(`leases: recovery (${dialect})`, { skip: await dialectSkip(dialect) }, () => {
    const clock = new ManualClock();
    let fresh: FreshStore;
    before(async () => (fresh = await freshStore(dialect, { clock: clock.read })));
    after(async () => fresh?.cleanup());

    it('abandons expired attempts, retries by policy or fails, and fences the old worker out', async () => {
      const executor = uniqueExecutor();
      const retrying = await fresh.store.operations.submit(newOperation({ executor, retryPolicy: { ...DEFAULT_RETRY_POLICY, maxAttempts: 3, intervalMs: 5000 } }));
      const lastTry = await fresh.store.operations.submit(newOperation({ executor, retryPolicy: { ...DEFAULT_RETRY_POLICY, maxAttempts: 1 } }));
      const cancelling = await fresh.store.operations.submit(newOperation({ executor }));
      const claims = [];
      for (let i = 0; i < 3; i += 1) {
        claims.push(await fresh.store.operations.claimNext({ workerId: 'lost-worker', leaseMs: 1000, perDeviceLimit: 1, executors: [executor] }));
      }
      await fresh.store.operations.requestCancel(cancelling.id, 'carol');
      const fresh2 = await fresh.store.operations.submit(newOperation({ executor }));
      const healthy = await fresh.store.operations.claimNext({ workerId: 'alive', leaseMs: 60_000, perDeviceLimit: 1, executors: [executor] });
      assert.equal(healthy?.operation.id, fresh2.id);

      // Not yet expired: nothing happens.
      assert.deepEqual(await fresh.store.operations.recoverExpiredLeases(clock.now + 1000), []);
      const now = clock.advance(1001);
      const recovered = await fresh.store.operations.recoverExpiredLeases(now);
      const byId = new Map(recovered.map((r) => [r.operationId, r]));
      assert.equal(recovered.length, 3);
      assert.equal(byId.get(retrying.id)?.nextStatus, 'scheduled');
      assert.equal(byId.get(lastTry.id)?.nextStatus, 'failed');
      assert.equal(byId.get(cancelling.id)?.nextStatus, 'cancelled');

      const retried = await fresh.store.operations.get(retrying.id);
      assert.deepEqual([retried?.status, retried?.notBefore, retried?.leaseOwner, retried?.lastErrorCode], ['scheduled', now + 5000, null, 'OST_ABANDONED']);
      assert.equal((await fresh.store.operations.get(lastTry.id))?.finishedAt, now);
      const [abandoned] = await fresh.store.operations.attempts(retrying.id);
      assert.deepEqual([abandoned?.outcome, abandoned?.errorCode, abandoned?.endedAt], ['abandoned', 'OST_ABANDONED', now]);
      assert.equal((await fresh.store.operations.get(fresh2.id))?.status, 'running');

      // The lost worker comes back: heartbeat says it lost the lease, and nothing it reports lands.
      const claim = claims.find((c) => c?.operation.id === retrying.id)!;
      const snapshot = { op: await fresh.store.operations.get(retrying.id), attempts: await fresh.store.operations.attempts(retrying.id), events: (await allEvents(fresh.store)).length };
      assert.equal(await fresh.store.operations.heartbeat(retrying.id, claim.attempt.id, 'lost-worker', 1000), null);
      await rejectsWith(fresh.store.operations.appendTranscript(claim.attempt.id, 'lost-worker', 'late output'), 'OST_LEASE_LOST');
      await rejectsWith(
        fresh.store.operations.complete(retrying.id, claim.attempt.id, 'lost-worker', { outcome: 'succeeded', nextStatus: 'succeeded', transcriptTail: 'x' }),
        'OST_LEASE_LOST',
      );
      assert.deepEqual(await fresh.store.operations.get(retrying.id), snapshot.op);
      assert.deepEqual(await fresh.store.operations.attempts(retrying.id), snapshot.attempts);
      assert.equal((await allEvents(fresh.store)).length, snapshot.events);

      // Even after the same worker id claims the retry, the old attempt stays fenced.
      clock.advance(5000);
      const retry = await fresh.store.operations.claimNext({ workerId: 'lost-worker', leaseMs: 1000, perDeviceLimit: 1, executors: [executor] });
      assert.equal(retry?.attempt.number, 2);
      await rejectsWith(fresh.store.operations.complete(retrying.id, claim.attempt.id, 'lost-worker', { outcome: 'succeeded', nextStatus: 'succeeded' }), 'OST_LEASE_LOST');
      assert.equal(await fresh.store.operations.heartbeat(retrying.id, claim.attempt.id, 'lost-worker', 1000), null);
    });

    it('appends one event per recovered operation, with ids only', async () => {
      const events = (await allEvents(fresh.store)).filter((e) => e.payload.outcome === 'abandoned');
      assert.equal(events.length, 3);
      assert.deepEqual(new Set(events.map((e) => e.type)), new Set(['operation.scheduled', 'operation.failed', 'operation.cancelled']));
      for (const event of events) assert.deepEqual(Object.keys(event.payload).sort(), ['attemptId', 'credentialId', 'deviceId', 'errorCode', 'from', 'operationId', 'outcome', 'runId', 'to', 'workerId']);
    });
  });
}
