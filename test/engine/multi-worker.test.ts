import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { NewOperation } from '../../src/domain/index.js';
import { freshStore, postgresSkip, type FreshStore } from '../support/stores.js';
import { localOperation, waitFor } from './engine-harness.js';
import { startCountingWorker, type WorkerProcess } from './worker-processes.js';

const OPERATIONS = 2_000;
const DEVICES = 100;

describe('three worker processes on PostgreSQL', { skip: await postgresSkip() }, () => {
  let fresh: FreshStore;
  let work: string;
  const workers: WorkerProcess[] = [];

  before(async () => {
    fresh = await freshStore('postgres');
    work = await mkdtemp(join(tmpdir(), 'ostiary-multi-'));
  });
  after(async () => {
    for (const worker of workers) await worker.kill9().catch(() => undefined);
    await fresh?.cleanup();
    await rm(work, { recursive: true, force: true });
  });

  it(`run ${OPERATIONS} operations, each exactly once, within the per-device limit`, async (t) => {
    const begin = Date.now();
    const { store } = fresh;
    const out = join(work, 'side-effects');
    // The `append` executor of the counting worker appends N to `out` while holding a lock
    // directory for the device; an operation that finds its device busy fails for good.
    const { template, version } = await store.templates.create({ name: 'count', type: 'task', executor: 'append', source: '-', author: 'test' });
    const devices = [];
    for (let i = 0; i < DEVICES; i += 1) devices.push(await store.devices.create({ name: `host-${i}`, address: `127.0.0.${i + 1}` }));

    const started = await Promise.all([1, 2, 3].map(() => startCountingWorker(fresh.url, out, work, join(work, 'data'), 8)));
    workers.push(...started);
    const ready = Date.now();

    const requests: NewOperation[] = [];
    for (let n = 1; n <= OPERATIONS; n += 1) {
      const device = devices[n % DEVICES];
      requests.push(localOperation(template.id, version.version, { executor: 'append', deviceId: device?.id ?? null, variables: { N: String(n) } }));
    }
    for (let i = 0; i < requests.length; i += 500) await store.operations.submitMany(requests.slice(i, i + 500));

    const stats = await waitFor('every operation to finish', async () => {
      const current = await store.operations.stats();
      const finished = (current.byStatus.succeeded ?? 0) + (current.byStatus.failed ?? 0);
      return finished === OPERATIONS ? current : undefined;
    }, 240_000);
    const finished = Date.now();
    assert.deepEqual(stats.byStatus, { succeeded: OPERATIONS });

    const lines = (await readFile(out, 'utf8')).trim().split('\n');
    const counts = new Map<string, number>();
    for (const line of lines) counts.set(line, (counts.get(line) ?? 0) + 1);
    assert.equal(lines.length, OPERATIONS, 'one side effect per operation');
    for (let n = 1; n <= OPERATIONS; n += 1) assert.equal(counts.get(String(n)), 1, `operation N=${n} ran exactly once`);

    const operations = [];
    for (let page = await store.operations.list({}, { limit: 1_000 }); ; page = await store.operations.list({}, { limit: 1_000, after: page.next ?? '' })) {
      operations.push(...page.items);
      if (page.next === null) break;
    }
    assert.equal(operations.length, OPERATIONS);
    assert.ok(operations.every((op) => op.attemptCount === 1), 'no operation needed a second attempt');
    const claims = await store.outbox.read(0, 100_000).then((events) => events.filter((event) => event.type === 'operation.running'));
    assert.equal(claims.length, OPERATIONS, 'each operation was claimed once');
    const claimers = new Set(claims.map((event) => String(event.payload.workerId).split(':')[1]));
    assert.deepEqual([...claimers].sort(), started.map((worker) => String(worker.pid)).sort(), 'all three processes took work');
    t.diagnostic(`workers ready in ${ready - begin} ms; ${OPERATIONS} operations done in ${finished - ready} ms`);

    for (const worker of started) assert.equal(await worker.stop(), 0);
  });
});
