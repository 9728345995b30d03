import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AttemptResult, Completion } from '../../src/store/store.js';
import { dialectSkip, dialects, freshStore, type FreshStore } from '../support/stores.js';
import { ManualClock, allEvents, claimRequest, newOperation, rejectsWith, uniqueExecutor } from './fixtures.js';

const SUCCEEDED: AttemptResult = { outcome: 'succeeded', nextStatus: 'succeeded', transcriptTail: 'done\n' };

for (const dialect of dialects) {
  describe(`claimMany and completeMany (${dialect})`, { skip: await dialectSkip(dialect) }, () => {
    const clock = new ManualClock();
    let fresh: FreshStore;
    before(async () => (fresh = await freshStore(dialect, { clock: clock.read })));
    after(async () => fresh?.cleanup());

    it('claims up to max in claim order, each with its attempt and its event', async () => {
      const executor = uniqueExecutor();
      const submitted = [];
      for (const priority of [0, 5, 0, 10, 0]) {
        clock.advance(1);
        submitted.push(await fresh.store.operations.submit(newOperation({ executor, priority })));
      }
      const before = (await allEvents(fresh.store)).length;
      const claims = await fresh.store.operations.claimMany(claimRequest(executor), 3);
      assert.deepEqual(
        claims.map((claim) => claim.operation.id),
        [submitted[3]!.id, submitted[1]!.id, submitted[0]!.id],
        'priority desc, then created_at',
      );
      for (const claim of claims) {
        assert.deepEqual([claim.operation.status, claim.operation.leaseOwner, claim.attempt.number], ['running', 'w1', 1]);
        assert.deepEqual(await fresh.store.operations.attempts(claim.operation.id), [claim.attempt]);
      }
      const events = (await allEvents(fresh.store)).slice(before);
      assert.deepEqual(
        events.map((event) => [event.type, event.subjectId]),
        claims.map((claim) => ['operation.running', claim.operation.id]),
      );
      const rest = await fresh.store.operations.claimMany(claimRequest(executor), 10);
      assert.deepEqual(rest.map((claim) => claim.operation.id), [submitted[2]!.id, submitted[4]!.id]);
      assert.deepEqual(await fresh.store.operations.claimMany(claimRequest(executor), 10), [], 'nothing left to claim');
    });

    it('keeps the per-device limit inside one batch', async () => {
      const executor = uniqueExecutor();
      await fresh.store.operations.submitMany([
        ...Array.from({ length: 3 }, () => newOperation({ executor, deviceId: 'batch-dev-a' })),
        ...Array.from({ length: 2 }, () => newOperation({ executor, deviceId: 'batch-dev-b' })),
        newOperation({ executor, deviceId: null }),
      ]);
      const claims = await fresh.store.operations.claimMany(claimRequest(executor), 10);
      assert.deepEqual(claims.map((claim) => claim.operation.deviceId).sort(), ['batch-dev-a', 'batch-dev-b', null].sort());
      const two = await fresh.store.operations.claimMany(claimRequest(executor, { perDeviceLimit: 2 }), 10);
      assert.deepEqual(two.map((claim) => claim.operation.deviceId).sort(), ['batch-dev-a', 'batch-dev-b']);
    });

    it('refuses a max that is not a positive integer, naming the field', async () => {
      for (const max of [0, -1, 1.5, Number.NaN]) {
        const error = await rejectsWith(fresh.store.operations.claimMany(claimRequest(uniqueExecutor()), max), 'OST_VALIDATION');
        assert.match(error.message, /claim\.max/);
      }
    });

    it('reports each completion on its own: a lost lease or a bad result leaves the others reported', async () => {
      const executor = uniqueExecutor();
      await fresh.store.operations.submitMany(Array.from({ length: 4 }, () => newOperation({ executor })));
      const claims = await fresh.store.operations.claimMany(claimRequest(executor), 4);
      assert.equal(claims.length, 4);
      const [good, stolen, invalid, retried] = claims as [(typeof claims)[number], (typeof claims)[number], (typeof claims)[number], (typeof claims)[number]];
      const item = (claim: typeof good, result: AttemptResult, workerId = 'w1'): Completion => ({
        operationId: claim.operation.id,
        attemptId: claim.attempt.id,
        workerId,
        result,
      });
      const outcomes = await fresh.store.operations.completeMany([
        item(good, SUCCEEDED),
        item(stolen, SUCCEEDED, 'w-other'),
        item(invalid, { outcome: 'abandoned', nextStatus: 'succeeded' } as unknown as AttemptResult),
        item(retried, { outcome: 'retryable_error', nextStatus: 'scheduled', retryAt: clock.now + 1000, errorCode: 'OST_EXEC_RETRYABLE', message: 'busy' }),
      ]);
      assert.deepEqual(
        outcomes.map((outcome) => (outcome.ok ? outcome.operation.status : outcome.error.code)),
        ['succeeded', 'OST_LEASE_LOST', 'OST_VALIDATION', 'scheduled'],
      );
      const stored = async (claim: typeof good) => fresh.store.operations.get(claim.operation.id);
      assert.equal((await stored(good))?.status, 'succeeded');
      assert.equal((await fresh.store.operations.attempts(good.operation.id))[0]?.transcript, 'done\n');
      for (const untouched of [stolen, invalid]) {
        const operation = await stored(untouched);
        assert.deepEqual([operation?.status, operation?.leaseOwner], ['running', 'w1'], 'an item that was not taken changed nothing');
        assert.equal((await fresh.store.operations.attempts(untouched.operation.id))[0]?.endedAt, null);
      }
      assert.deepEqual([(await stored(retried))?.status, (await stored(retried))?.notBefore], ['scheduled', clock.now + 1000]);
    });

    it('one batch moves each operation and ends each attempt with its own values', async () => {
      const executor = uniqueExecutor();
      await fresh.store.operations.submitMany(Array.from({ length: 5 }, () => newOperation({ executor })));
      const claims = await fresh.store.operations.claimMany(claimRequest(executor), 5);
      assert.equal(claims.length, 5);
      const [ok, failed, retried, cancelled, twice] = claims as [(typeof claims)[number], (typeof claims)[number], (typeof claims)[number], (typeof claims)[number], (typeof claims)[number]];
      await fresh.store.operations.requestCancel(cancelled.operation.id, 'alice');
      const item = (claim: typeof ok, result: AttemptResult): Completion => ({ operationId: claim.operation.id, attemptId: claim.attempt.id, workerId: 'w1', result });
      const retryAt = clock.now + 7_000;
      const before = (await allEvents(fresh.store)).length;
      const outcomes = await fresh.store.operations.completeMany([
        item(ok, { outcome: 'succeeded', nextStatus: 'succeeded', transcriptTail: 'first\n' }),
        item(failed, { outcome: 'failed', nextStatus: 'failed', errorCode: 'OST_EXEC_FAILED', message: 'exit 3', transcriptTail: 'second\n' }),
        item(retried, { outcome: 'retryable_error', nextStatus: 'scheduled', retryAt, errorCode: 'OST_EXEC_RETRYABLE', message: 'refused' }),
        item(cancelled, { outcome: 'retryable_error', nextStatus: 'scheduled', retryAt, errorCode: 'OST_EXEC_RETRYABLE', message: 'refused' }),
        item(twice, SUCCEEDED),
        item(twice, SUCCEEDED),
        { operationId: 'no-such-operation', attemptId: 'a', workerId: 'w1', result: SUCCEEDED },
      ]);
      assert.deepEqual(
        outcomes.map((outcome) => (outcome.ok ? outcome.operation.status : outcome.error.code)),
        ['succeeded', 'failed', 'scheduled', 'cancelled', 'succeeded', 'OST_LEASE_LOST', 'OST_NOT_FOUND'],
        'a second report of one attempt in the same batch finds its lease already released',
      );
      const row = async (claim: typeof ok) => {
        const operation = await fresh.store.operations.get(claim.operation.id);
        const [attempt] = await fresh.store.operations.attempts(claim.operation.id);
        return {
          status: operation?.status, code: operation?.lastErrorCode, message: operation?.lastErrorMessage, notBefore: operation?.notBefore,
          finished: operation?.finishedAt !== null, lease: operation?.leaseOwner,
          outcome: attempt?.outcome, attemptCode: attempt?.errorCode, attemptMessage: attempt?.message, transcript: attempt?.transcript, ended: attempt?.endedAt === clock.now,
        };
      };
      const due = ok.operation.notBefore;
      assert.deepEqual(await row(ok), { status: 'succeeded', code: null, message: null, notBefore: due, finished: true, lease: null, outcome: 'succeeded', attemptCode: null, attemptMessage: null, transcript: 'first\n', ended: true });
      assert.deepEqual(await row(failed), { status: 'failed', code: 'OST_EXEC_FAILED', message: 'exit 3', notBefore: due, finished: true, lease: null, outcome: 'failed', attemptCode: 'OST_EXEC_FAILED', attemptMessage: 'exit 3', transcript: 'second\n', ended: true });
      assert.deepEqual(await row(retried), { status: 'scheduled', code: 'OST_EXEC_RETRYABLE', message: 'refused', notBefore: retryAt, finished: false, lease: null, outcome: 'retryable_error', attemptCode: 'OST_EXEC_RETRYABLE', attemptMessage: 'refused', transcript: '', ended: true });
      assert.deepEqual((await row(cancelled)).status, 'cancelled', 'a cancel requested while the attempt ran wins over the retry');
      assert.deepEqual((await row(twice)).transcript, 'done\n', 'the attempt was ended once');
      const events = (await allEvents(fresh.store)).slice(before);
      assert.deepEqual(
        events.map((event) => [event.type, event.subjectId, event.payload.attemptId]),
        [ok, failed, retried, cancelled, twice].map((claim, i) => [`operation.${['succeeded', 'failed', 'scheduled', 'cancelled', 'succeeded'][i]}`, claim.operation.id, claim.attempt.id]),
      );
    });

    it('a batch without retries is fenced by its UPDATE alone: a lost lease and an unknown operation are told apart', async () => {
      const executor = uniqueExecutor();
      await fresh.store.operations.submitMany(Array.from({ length: 2 }, () => newOperation({ executor })));
      const [mine, theirs] = await fresh.store.operations.claimMany(claimRequest(executor), 2);
      assert.ok(mine && theirs);
      const outcomes = await fresh.store.operations.completeMany([
        { operationId: mine.operation.id, attemptId: mine.attempt.id, workerId: 'w1', result: SUCCEEDED },
        { operationId: theirs.operation.id, attemptId: theirs.attempt.id, workerId: 'w-other', result: SUCCEEDED },
        { operationId: 'no-such-operation', attemptId: 'a', workerId: 'w1', result: SUCCEEDED },
      ]);
      assert.deepEqual(outcomes.map((outcome) => (outcome.ok ? outcome.operation.status : outcome.error.code)), ['succeeded', 'OST_LEASE_LOST', 'OST_NOT_FOUND']);
      const untouched = await fresh.store.operations.get(theirs.operation.id);
      assert.deepEqual([untouched?.status, untouched?.leaseOwner], ['running', 'w1']);
      assert.equal((await fresh.store.operations.attempts(theirs.operation.id))[0]?.endedAt, null, 'the other worker\'s attempt was not ended');
    });

    it('completeAndClaim reports a batch and claims the next work in the same transaction', async () => {
      const executor = uniqueExecutor();
      await fresh.store.operations.submitMany(Array.from({ length: 4 }, () => newOperation({ executor })));
      const [first, second] = await fresh.store.operations.claimMany(claimRequest(executor), 2);
      assert.ok(first && second);
      const before = (await allEvents(fresh.store)).length;
      const item = (claim: typeof first): Completion => ({ operationId: claim.operation.id, attemptId: claim.attempt.id, workerId: 'w1', result: SUCCEEDED });
      const batch = await fresh.store.operations.completeAndClaim([item(first), item(second)], claimRequest(executor), 3);
      assert.deepEqual(batch.outcomes.map((outcome) => (outcome.ok ? outcome.operation.status : outcome.error.code)), ['succeeded', 'succeeded']);
      assert.equal(batch.claims.length, 2, 'only two were left to claim');
      for (const claim of batch.claims) assert.deepEqual([claim.operation.status, claim.attempt.number], ['running', 1]);
      const events = (await allEvents(fresh.store)).slice(before);
      assert.deepEqual(events.map((event) => event.type), ['operation.succeeded', 'operation.succeeded', 'operation.running', 'operation.running']);
      const none = await fresh.store.operations.completeAndClaim(batch.claims.map(item), claimRequest(executor), 0);
      assert.deepEqual([none.outcomes.filter((outcome) => outcome.ok).length, none.claims.length], [2, 0], 'max 0 only reports');
      const error = await rejectsWith(fresh.store.operations.completeAndClaim([], claimRequest(executor), -1), 'OST_VALIDATION');
      assert.match(error.message, /claim\.max/);
    });

    it('completeAndClaim keeps the per-device limit and claims nothing on a full device', async () => {
      const executor = uniqueExecutor();
      await fresh.store.operations.submitMany([newOperation({ executor, deviceId: 'refill-dev' }), newOperation({ executor, deviceId: 'refill-dev' }), newOperation({ executor })]);
      const [busy] = await fresh.store.operations.claimMany(claimRequest(executor), 1);
      assert.equal(busy?.operation.deviceId, 'refill-dev');
      const batch = await fresh.store.operations.completeAndClaim([], claimRequest(executor), 5);
      assert.deepEqual(batch.claims.map((claim) => claim.operation.deviceId), [null], 'the second operation on the busy device waits');
    });

    it('writes nothing when every item is invalid', async () => {
      const before = (await allEvents(fresh.store)).length;
      const outcomes = await fresh.store.operations.completeMany([
        { operationId: 'x', attemptId: 'y', workerId: 'w1', result: { outcome: 'nope', nextStatus: 'succeeded' } as unknown as AttemptResult },
      ]);
      assert.deepEqual(outcomes.map((outcome) => (outcome.ok ? 'ok' : outcome.error.code)), ['OST_VALIDATION']);
      assert.equal((await allEvents(fresh.store)).length, before);
    });
  });
}
