import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dialectSkip, dialects, freshStore, type FreshStore } from '../support/stores.js';
import { isProcessAlive, submitLocal, waitForFile, waitForStatus } from './engine-harness.js';
import { startWorkerProcess, type WorkerProcess } from './worker-processes.js';

for (const dialect of dialects) {
  describe(`a worker process killed with -9 mid-operation (${dialect})`, { skip: await dialectSkip(dialect) }, () => {
    let fresh: FreshStore;
    let work: string;
    const workers: WorkerProcess[] = [];
    const orphans: number[] = [];

    before(async () => {
      fresh = await freshStore(dialect);
      work = await mkdtemp(join(tmpdir(), 'ostiary-crash-'));
    });
    after(async () => {
      for (const worker of workers) await worker.kill9().catch(() => undefined);
      for (const pid of orphans) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await fresh?.cleanup();
      await rm(work, { recursive: true, force: true });
    });

    it('is recovered by another worker once the lease expires: attempt abandoned, operation retried, nothing left running', async () => {
      const { store } = fresh;
      const mark = join(work, 'first-attempt-ran');
      const pidFile = join(work, 'sleep.pid');
      // One line, one shell: the first attempt hangs (until its worker is killed), the retry finds the mark.
      const op = await submitLocal(store, `if [ -e ${mark} ]; then echo recovered; else touch ${mark}; sleep 60 & echo $! > ${pidFile}; wait; fi\n`, {
        retryPolicy: { maxAttempts: 3, intervalMs: 100, backoff: 1, maxIntervalMs: 100, intervalAfterExhaustionMs: null, hardLimit: 10 },
      });

      // Two real worker processes; whichever claims the operation is killed, the other must recover it.
      const dataDir = join(work, 'data');
      const started = await Promise.all([1, 2].map(() => startWorkerProcess(fresh.url, dataDir, ['--lease-ms', '2000'])));
      workers.push(...started);
      const running = await waitForStatus(store, op.id, ['running']);
      const victim = started.find((worker) => running.leaseOwner?.includes(`:${worker.pid}:`));
      const survivor = started.find((worker) => worker !== victim);
      assert.ok(victim && survivor, `the lease owner ${running.leaseOwner} is one of the two workers`);
      orphans.push(Number(await waitForFile(pidFile)));

      await victim.kill9();
      assert.equal((await store.operations.get(op.id))?.status, 'running', 'a killed worker leaves its operation running until recovery');

      const done = await waitForStatus(store, op.id, ['succeeded', 'failed', 'cancelled'], 60_000);
      assert.equal(done.status, 'succeeded');

      const attempts = await store.operations.attempts(op.id);
      assert.deepEqual(attempts.map((a) => a.outcome), ['abandoned', 'succeeded']);
      assert.equal(attempts[0]?.errorCode, 'OST_ABANDONED');
      assert.match(attempts[1]?.transcript ?? '', /^recovered$/m);
      assert.equal(attempts[1]?.workerId.includes(`:${survivor.pid}:`), true);
      const stillRunning = await store.operations.list({ status: ['running'] });
      assert.deepEqual(stillRunning.items, []);
      assert.match(survivor.output(), /recovered an operation whose lease expired/);

      assert.equal(await survivor.stop(), 0);
      // The orphaned shell of the killed worker is not ours to keep: the harness removes it.
      for (const pid of orphans) if (await isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
      assert.ok((await readFile(mark)).length === 0);
    });
  });
}
