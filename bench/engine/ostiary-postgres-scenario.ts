import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { openStore } from '../../src/store/open-store.js';
import { openVault } from '../../src/vault/vault.js';
import { createBenchDatabase } from '../support/bench-database.js';
import { loadAverage } from '../support/machine-info.js';
import { latenciesOf } from './idle-latency.js';
import { latencyBreakdown } from './latency-breakdown.js';
import { createNoopTemplate, noopOperation, submitNoops } from './noop-workload.js';
import type { ScenarioResult, ScenarioSettings } from './scenario-result.js';
import { latencyPhase, throughputPhase } from './scenario-phases.js';

const WORKER = fileURLToPath(new URL('./ostiary-worker-child.ts', import.meta.url));

/**
 * Ostiary on a fresh PostgreSQL database and `processes` real worker processes: first the
 * idle-queue probes, then the operations submitted in bulk and run by fresh workers.
 */
export async function runOstiaryPostgres(settings: ScenarioSettings): Promise<ScenarioResult> {
  const database = await createBenchDatabase();
  const dataDir = await mkdtemp(join(tmpdir(), 'ostiary-bench-'));
  const store = await openStore({ url: database.url });
  try {
    await openVault({ dataDir, masterKey: null }); // creates the key file once, before the workers share it
    const template = await createNoopTemplate(store);
    const workers = { script: WORKER, args: [database.url, dataDir, String(settings.concurrency)] };
    const latency = await latencyPhase(settings, workers, async () => (await store.operations.submit(noopOperation(template, true))).id);
    const submitMs = await submitNoops(store, template, settings.jobs);
    const probes = settings.latencySamples + settings.latencyWarmUp;
    const run = await throughputPhase(settings, workers, database.url, async (client) => (await countSucceeded(client)) - probes);
    return {
      system: 'Ostiary · PostgreSQL', key: `ostiary-pg-${settings.processes}`, ...settings, ...run.value, submitMs,
      latenciesMs: latenciesOf(latency.value), breakdown: await latencyBreakdown(store, latency.value), peakRssMb: Math.max(latency.peakRssMb, run.peakRssMb), loadAverage: loadAverage(),
    };
  } finally {
    await store.close();
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Succeeded operations; any other final status fails the benchmark. */
async function countSucceeded(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ ok: string; bad: string }>(
    `select count(*) filter (where status = 'succeeded') as ok, count(*) filter (where status in ('failed', 'cancelled')) as bad from operations`,
  );
  const row = rows[0];
  if (Number(row?.bad ?? 0) > 0) throw new Error(`${row?.bad} no-op operations did not succeed`);
  return Number(row?.ok ?? 0);
}
