/**
 * Ostiary on SQLite, in one process as `ostiary start` runs it. On `go`: idle-queue probes
 * on the empty queue (one engine), then the no-op operations submitted in bulk and run by a
 * fresh engine until the last one finished (or the time limit); reports what it measured.
 * Usage: node --import tsx ostiary-sqlite-child.ts <db-file> <data-dir> <jobs> <concurrency> <samples> <warm-up> <gap-ms> <limit-ms>
 */
import BetterSqlite3 from 'better-sqlite3';
import { Engine } from '../../src/engine/index.js';
import { openStore } from '../../src/store/open-store.js';
import { openVault } from '../../src/vault/vault.js';
import { onParentMessage, sendToParent } from '../support/bench-child.js';
import { preciseNow } from '../support/precise-clock.js';
import type { SqliteChildMessage } from './engine-messages.js';
import type { IdleSample } from './idle-latency.js';
import { latenciesOf, measureIdleLatency, StartWatch, waitForJobs } from './idle-latency.js';
import { latencyBreakdown } from './latency-breakdown.js';
import { NoopExecutor } from './noop-executor.js';
import { createNoopTemplate, noopOperation, submitNoops } from './noop-workload.js';

const [file = '', dataDir = '', jobs = '0', concurrency = '8', samples = '0', warmUp = '0', gapMs = '0', limitMs = '600000'] = process.argv.slice(2);
const probes = Number(samples) + Number(warmUp);

const store = await openStore({ url: file });
const vault = await openVault({ dataDir, masterKey: null });
const watch = new StartWatch();
const executor = new NoopExecutor((id, at) => watch.record(id, at));
const template = await createNoopTemplate(store);
// A second, read-only connection counts finished operations without queueing behind the engine's.
const reader = new BetterSqlite3(file, { readonly: true });
const countSucceeded = reader.prepare(`select count(*) as n from operations where status = 'succeeded'`);

onParentMessage((message) => {
  if (message.type === 'go') void measure().catch((error: unknown) => fail(error));
  if (message.type === 'stop') void stop();
});
await sendToParent<SqliteChildMessage>({ type: 'ready' });

function newEngine(): Engine {
  return new Engine({ store, vault, executors: [executor], concurrency: Number(concurrency) });
}

async function measure(): Promise<void> {
  const probeSamples = await probeLatency();
  const submitMs = await submitNoops(store, template, Number(jobs));
  const engine = newEngine();
  const began = preciseNow();
  await engine.start();
  const end = await waitForJobs(async () => (countSucceeded.get() as { n: number }).n - probes, Number(jobs), Number(limitMs));
  await engine.stop({ drainMs: 10_000 });
  await sendToParent<SqliteChildMessage>({ type: 'result', submitMs, runMs: end.endedAt - began, finished: end.finished, latenciesMs: latenciesOf(probeSamples), breakdown: await latencyBreakdown(store, probeSamples) });
}

async function probeLatency(): Promise<IdleSample[]> {
  const engine = newEngine();
  await engine.start();
  try {
    return await measureIdleLatency({
      samples: Number(samples), warmUp: Number(warmUp), gapMs: Number(gapMs), watch,
      submit: async () => (await store.operations.submit(noopOperation(template, true))).id,
    });
  } finally {
    await engine.stop();
  }
}

async function stop(): Promise<void> {
  reader.close();
  await store.close();
  await sendToParent<SqliteChildMessage>({ type: 'stopped', ran: executor.ran });
  process.exit(0);
}

function fail(error: unknown): never {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
}
