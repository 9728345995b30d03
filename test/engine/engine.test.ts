import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_TIMEOUTS } from '../../src/domain/index.js';
import type { Engine } from '../../src/engine/index.js';
import type { Store } from '../../src/store/store.js';
import type { Vault } from '../../src/vault/vault.js';
import { dialectSkip, dialects, freshStore, type FreshStore } from '../support/stores.js';
import { isProcessAlive, localEngine, submitLocal, tempVault, waitFor, waitForFile, waitForStatus } from './engine-harness.js';

const FINISHED = ['succeeded', 'failed', 'cancelled'] as const;

for (const dialect of dialects) {
  describe(`engine with the local executor (${dialect})`, { skip: await dialectSkip(dialect) }, () => {
    let fresh: FreshStore;
    let store: Store;
    let vault: Vault;
    let work: string;
    const cleanups: (() => Promise<void>)[] = [];

    before(async () => {
      fresh = await freshStore(dialect);
      store = fresh.store;
      const temp = await tempVault();
      vault = temp.vault;
      work = await mkdtemp(join(tmpdir(), 'ostiary-engine-work-'));
      cleanups.push(temp.cleanup, () => rm(work, { recursive: true, force: true }));
    });
    after(async () => {
      await fresh?.cleanup();
      for (const cleanup of cleanups) await cleanup();
    });

    /** Runs `body` with a started engine that is always stopped afterwards. */
    async function withEngine(options: Parameters<typeof localEngine>[2], body: (engine: Engine) => Promise<void>): Promise<void> {
      const engine = localEngine(store, vault, options);
      await engine.start();
      try {
        await body(engine);
      } finally {
        await engine.stop({ drainMs: 100 });
      }
    }

    it('runs an operation to success and stores its transcript', async () => {
      const op = await submitLocal(store, '# greet\necho hello\n\necho world >&2\n');
      await withEngine({}, async () => {
        const done = await waitForStatus(store, op.id, FINISHED);
        assert.equal(done.status, 'succeeded');
        assert.equal(done.leaseOwner, null);
        assert.notEqual(done.finishedAt, null);
      });
      const attempts = await store.operations.attempts(op.id);
      assert.equal(attempts.length, 1);
      assert.equal(attempts[0]?.outcome, 'succeeded');
      assert.equal(attempts[0]?.message, '2 lines, exit 0');
      assert.equal(attempts[0]?.transcript, '$ echo hello\nhello\n[exit 0]\n$ echo world >&2\nworld\n[exit 0]\n');
    });

    it('retries a retryable failure (exit 75) per policy and ends failed with the error', async () => {
      const op = await submitLocal(store, 'echo try\nexit 75\n', {
        retryPolicy: { maxAttempts: 3, intervalMs: 50, backoff: 1, maxIntervalMs: 50, intervalAfterExhaustionMs: null, hardLimit: 10 },
      });
      await withEngine({}, async () => {
        const done = await waitForStatus(store, op.id, FINISHED);
        assert.equal(done.status, 'failed');
        assert.equal(done.attemptCount, 3);
        assert.equal(done.lastErrorCode, 'OST_EXEC_STEP_FAILED');
        assert.match(done.lastErrorMessage ?? '', /line 2 exited with status 75/);
      });
      const attempts = await store.operations.attempts(op.id);
      assert.deepEqual(attempts.map((a) => a.outcome), ['retryable_error', 'retryable_error', 'retryable_error']);
      assert.ok(attempts.every((a) => a.errorCode === 'OST_EXEC_STEP_FAILED' && a.transcript.includes('[exit 75]')));
    });

    it('succeeds on a retry after a temporary failure', async () => {
      const flag = join(work, 'retry-flag');
      const op = await submitLocal(store, `if [ -e ${flag} ]; then echo second; else touch ${flag}; exit 75; fi\n`, {
        retryPolicy: { maxAttempts: 3, intervalMs: 50, backoff: 1, maxIntervalMs: 50, intervalAfterExhaustionMs: null, hardLimit: 10 },
      });
      await withEngine({}, async () => {
        assert.equal((await waitForStatus(store, op.id, FINISHED)).status, 'succeeded');
      });
      const attempts = await store.operations.attempts(op.id);
      assert.deepEqual(attempts.map((a) => a.outcome), ['retryable_error', 'succeeded']);
      assert.match(attempts[1]?.transcript ?? '', /^second$/m);
    });

    it('fails at once on a final error, naming the line, and runs no later line', async () => {
      const op = await submitLocal(store, 'echo first\nexit 3\necho never-printed\n', {
        retryPolicy: { maxAttempts: 3, intervalMs: 50, backoff: 1, maxIntervalMs: 50, intervalAfterExhaustionMs: null, hardLimit: 10 },
      });
      await withEngine({}, async () => {
        const done = await waitForStatus(store, op.id, FINISHED);
        assert.equal(done.status, 'failed');
        assert.equal(done.attemptCount, 1);
        assert.equal(done.lastErrorCode, 'OST_EXEC_STEP_FAILED');
        assert.equal(done.lastErrorMessage, 'line 2 exited with status 3');
      });
      const [attempt] = await store.operations.attempts(op.id);
      assert.equal(attempt?.outcome, 'failed');
      assert.ok(!attempt?.transcript.includes('never-printed'));
      assert.match(attempt?.transcript ?? '', /\[exit 3\]\n\[ostiary\] OST_EXEC_STEP_FAILED: line 2 exited with status 3\n$/);
    });

    it('fails before running anything when a mask has no value', async () => {
      const marker = join(work, 'mask-marker');
      const op = await submitLocal(store, `touch ${marker}\necho [#MISSING#]\n`);
      await withEngine({}, async () => {
        const done = await waitForStatus(store, op.id, FINISHED);
        assert.equal(done.status, 'failed');
        assert.equal(done.lastErrorCode, 'OST_MASK_UNFILLED');
        assert.match(done.lastErrorMessage ?? '', /\[#MISSING#\] on line 2/);
      });
      await assert.rejects(readFile(marker), { code: 'ENOENT' });
    });

    it('stops an operation that exceeds its time limit and kills its processes', async () => {
      const pidFile = join(work, 'timeout.pid');
      const op = await submitLocal(store, `sleep 60 & echo $! > ${pidFile}; wait\n`, {
        timeouts: { ...DEFAULT_TIMEOUTS, totalMs: 1_000 },
      });
      await withEngine({}, async () => {
        const done = await waitForStatus(store, op.id, FINISHED);
        assert.equal(done.status, 'failed');
        assert.equal(done.lastErrorCode, 'OST_OPERATION_TIMEOUT');
      });
      const [attempt] = await store.operations.attempts(op.id);
      assert.equal(attempt?.outcome, 'timeout');
      const pid = Number(await waitForFile(pidFile));
      await waitFor(`process ${pid} to be gone`, async () => ((await isProcessAlive(pid)) ? undefined : true), 5_000);
    });

    it('cancels a running operation and kills its processes', async () => {
      const pidFile = join(work, 'cancel.pid');
      const op = await submitLocal(store, `sleep 60 & echo $! > ${pidFile}; wait\necho not-reached\n`);
      await withEngine({}, async () => {
        const pid = Number(await waitForFile(pidFile));
        assert.equal(await isProcessAlive(pid), true);
        const requested = await store.operations.requestCancel(op.id, 'test');
        assert.equal(requested.status, 'running');
        assert.equal(requested.cancelRequested, true);
        const done = await waitForStatus(store, op.id, FINISHED, 5_000);
        assert.equal(done.status, 'cancelled');
        await waitFor(`process ${pid} to be gone`, async () => ((await isProcessAlive(pid)) ? undefined : true), 5_000);
      });
      const [attempt] = await store.operations.attempts(op.id);
      assert.equal(attempt?.outcome, 'cancelled');
      assert.equal(attempt?.errorCode, 'OST_EXEC_CANCELLED');
      assert.ok(!attempt?.transcript.includes('not-reached'));
    });

    it('respects the per-device limit across concurrent slots', async () => {
      const device = await store.devices.create({ name: `dev-limit-${dialect}`, address: '127.0.0.1' });
      const lock = join(work, 'device-lock');
      // Each operation holds a lock directory for a while; a second one on the device at the same time would fail mkdir.
      const source = `mkdir ${lock} || exit 3\nsleep 0.3\nrmdir ${lock}\n`;
      const ops = await Promise.all([1, 2, 3, 4].map(() => submitLocal(store, source, { deviceId: device.id })));
      await withEngine({ concurrency: 4, perDeviceLimit: 1 }, async () => {
        for (const op of ops) assert.equal((await waitForStatus(store, op.id, FINISHED)).status, 'succeeded');
      });
    });

    it('runs operations on different devices, or up to the limit on one device, at the same time', async () => {
      const [a, b] = await Promise.all(['a', 'b'].map((name) => store.devices.create({ name: `dev-par-${name}-${dialect}`, address: '127.0.0.1' })));
      // Each waits for the other's marker: both finish only if they run at the same time.
      const meet = (mine: string, theirs: string): string =>
        `touch ${join(work, mine)}\ni=0; while [ ! -e ${join(work, theirs)} ]; do i=$((i+1)); [ $i -gt 200 ] && exit 4; sleep 0.05; done\n`;
      const across = [await submitLocal(store, meet('x1', 'x2'), { deviceId: a?.id }), await submitLocal(store, meet('x2', 'x1'), { deviceId: b?.id })];
      await withEngine({ concurrency: 4, perDeviceLimit: 1 }, async () => {
        for (const op of across) assert.equal((await waitForStatus(store, op.id, FINISHED)).status, 'succeeded');
      });
      const same = [await submitLocal(store, meet('y1', 'y2'), { deviceId: a?.id }), await submitLocal(store, meet('y2', 'y1'), { deviceId: a?.id })];
      await withEngine({ concurrency: 4, perDeviceLimit: 2 }, async () => {
        for (const op of same) assert.equal((await waitForStatus(store, op.id, FINISHED)).status, 'succeeded');
      });
    });

    it('runs an operation asked to "run immediately" before older ones', async () => {
      const go = join(work, 'go');
      const order = join(work, 'order');
      const blocker = await submitLocal(store, `while [ ! -e ${go} ]; do sleep 0.05; done\n`);
      await withEngine({ concurrency: 1 }, async () => {
        await waitForStatus(store, blocker.id, ['running']);
        const queued = [];
        for (const name of ['first', 'second', 'urgent']) queued.push(await submitLocal(store, `echo ${name} >> ${order}\n`));
        const urgent = await store.operations.runImmediately(queued[2]?.id ?? '', 'test');
        assert.equal(urgent.status, 'scheduled');
        await writeFile(go, '');
        for (const op of queued) assert.equal((await waitForStatus(store, op.id, FINISHED)).status, 'succeeded');
      });
      assert.deepEqual((await readFile(order, 'utf8')).trim().split('\n'), ['urgent', 'first', 'second']);
    });

    it('hands running operations back to the queue when stopped before they finish', async () => {
      const pidFile = join(work, 'shutdown.pid');
      const op = await submitLocal(store, `sleep 60 & echo $! > ${pidFile}; wait\n`);
      const engine = localEngine(store, vault, {});
      await engine.start();
      const pid = Number(await waitForFile(pidFile));
      await engine.stop({ drainMs: 200 });
      const after = await store.operations.get(op.id);
      assert.equal(after?.status, 'scheduled');
      const [attempt] = await store.operations.attempts(op.id);
      assert.equal(attempt?.outcome, 'retryable_error');
      assert.equal(attempt?.errorCode, 'OST_ABANDONED');
      await waitFor(`process ${pid} to be gone`, async () => ((await isProcessAlive(pid)) ? undefined : true), 5_000);
      await store.operations.requestCancel(op.id, 'test');
    });

    it('stops an attempt whose lease was recovered elsewhere, without reporting over the recovery', async () => {
      const pidFile = join(work, 'lease.pid');
      const op = await submitLocal(store, `sleep 60 & echo $! > ${pidFile}; wait\n`);
      await withEngine({ recoverLeases: false }, async () => {
        const pid = Number(await waitForFile(pidFile));
        // Another node's sweep, as if the lease had run out long ago.
        const recovered = await store.operations.recoverExpiredLeases(Date.now() + 60_000);
        assert.deepEqual(recovered.map((r) => r.operationId), [op.id]);
        await waitFor(`process ${pid} to be gone`, async () => ((await isProcessAlive(pid)) ? undefined : true), 5_000);
      });
      const done = await store.operations.get(op.id);
      assert.equal(done?.status, 'failed');
      assert.equal(done?.lastErrorCode, 'OST_ABANDONED');
      const [attempt] = await store.operations.attempts(op.id);
      assert.equal(attempt?.outcome, 'abandoned');
    });
  });
}
