/**
 * A diagnosis companion of `bench:engine`: runs N no-op operations through the engine in this
 * one process, on SQLite or on a fresh PostgreSQL database, and prints every SQL statement
 * the path ran — executions per operation and time per execution — busiest first.
 *
 *   npx tsx bench/query-profile.ts --store sqlite|postgres [--jobs 2000] [--concurrency 8]
 *
 * (An earlier `--claim-index-with-id` what-if measured the claim index with `id`; migration
 * 0006 ships it.)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Engine } from '../src/engine/index.js';
import { openStore } from '../src/store/open-store.js';
import { openVault } from '../src/vault/vault.js';
import { waitUntilFinished } from './engine/idle-latency.js';
import { NoopExecutor } from './engine/noop-executor.js';
import { createNoopTemplate, submitNoops } from './engine/noop-workload.js';
import { createBenchDatabase } from './support/bench-database.js';
import { onCleanup, runBenchmark } from './support/cleanup.js';
import { describeMachine, machineInfo } from './support/machine-info.js';
import { markdownTable } from './support/markdown-table.js';
import { preciseNow } from './support/precise-clock.js';
import { formatNumber } from './support/statistics.js';
import { timeStatements } from './support/statement-timer.js';

const { values } = parseArgs({
  options: {
    store: { type: 'string', default: 'sqlite' },
    jobs: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '8' },
  },
});


await runBenchmark(async () => {
  const jobs = Number(values.jobs);
  if (values.store !== 'sqlite' && values.store !== 'postgres') throw new Error('--store: expected sqlite or postgres');
  const dir = await mkdtemp(join(tmpdir(), 'ostiary-profile-'));
  onCleanup(() => rm(dir, { recursive: true, force: true }));
  const url = values.store === 'postgres' ? (await createBenchDatabase()).url : join(dir, 'ostiary.db');
  const store = await openStore({ url });
  onCleanup(() => store.close());
  const executor = new NoopExecutor();
  const engine = new Engine({ store, vault: await openVault({ dataDir: join(dir, 'data'), masterKey: null }), executors: [executor], concurrency: Number(values.concurrency) });
  const template = await createNoopTemplate(store);
  await submitNoops(store, template, jobs);
  const figures = timeStatements(); // from here on: only the engine's path
  const began = preciseNow();
  await engine.start();
  await waitUntilFinished(async () => executor.ran, jobs, 600_000, 10);
  await engine.stop();
  const ms = preciseNow() - began;
  console.log(`# query profile · ${values.store} · ${describeMachine(machineInfo())}`);
  console.log(`${jobs} no-ops, concurrency ${values.concurrency}, one process: ${formatNumber(ms)} ms, ${formatNumber(jobs / (ms / 1000))} ops/s\n`);
  const rows = [...figures.values()].sort((a, b) => b.prepareMs + b.executeMs - (a.prepareMs + a.executeMs)).slice(0, 15);
  console.log(markdownTable(['per op', 'prepare ms/exec', 'execute ms/exec', 'total ms per op', 'statement'], rows.map((row) => [
    (row.count / jobs).toFixed(2), (row.prepareMs / Math.max(1, row.count)).toFixed(3), (row.executeMs / Math.max(1, row.count)).toFixed(3),
    ((row.prepareMs + row.executeMs) / jobs).toFixed(3), row.sql.slice(0, 100),
  ])));
});

