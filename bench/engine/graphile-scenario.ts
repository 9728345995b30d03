import { fileURLToPath } from 'node:url';
import { makeWorkerUtils } from 'graphile-worker';
import type pg from 'pg';
import { createBenchDatabase, withClient } from '../support/bench-database.js';
import { loadAverage } from '../support/machine-info.js';
import { latenciesOf } from './idle-latency.js';
import type { ScenarioResult, ScenarioSettings } from './scenario-result.js';
import { latencyPhase, throughputPhase } from './scenario-phases.js';

const WORKER = fileURLToPath(new URL('./graphile-worker-child.ts', import.meta.url));
const VERSION = '0.16.6';

/**
 * graphile-worker on a fresh PostgreSQL database, driven exactly like Ostiary's scenario:
 * first the idle-queue probes, then jobs added in bulk and run by fresh worker processes.
 */
export async function runGraphile(settings: ScenarioSettings): Promise<ScenarioResult> {
  const database = await createBenchDatabase();
  const utils = await makeWorkerUtils({ connectionString: database.url });
  try {
    await utils.migrate();
    const workers = { script: WORKER, args: [database.url, String(settings.concurrency)] };
    const latency = await latencyPhase(settings, workers, async () => (await utils.addJob('noop', { probe: true })).id);
    const submitMs = await addJobsInBulk(database.url, settings.jobs);
    const run = await throughputPhase(settings, workers, database.url, (client) => countFinished(client, settings.jobs));
    return {
      system: `graphile-worker ${VERSION}`, key: `graphile-${settings.processes}`, ...settings, ...run.value, submitMs,
      latenciesMs: latenciesOf(latency.value), breakdown: '', peakRssMb: Math.max(latency.peakRssMb, run.peakRssMb), loadAverage: loadAverage(),
    };
  } finally {
    await utils.release();
    await database.drop();
  }
}

/** One `add_jobs` call, graphile-worker's own bulk insert. */
async function addJobsInBulk(url: string, jobs: number): Promise<number> {
  return withClient(url, async (client) => {
    const began = performance.now();
    await client.query(
      `select count(*) from graphile_worker.add_jobs(array(
         select row('noop', '{}'::json, null, null, null, null, null, null)::graphile_worker.job_spec from generate_series(1, $1::int)))`,
      [jobs],
    );
    return performance.now() - began;
  });
}

/** A finished job is deleted; one that failed stays with its error. */
async function countFinished(client: pg.Client, jobs: number): Promise<number> {
  const { rows } = await client.query<{ left: string; failed: string }>(
    `select count(*) as left, count(*) filter (where last_error is not null) as failed from graphile_worker.jobs`,
  );
  const row = rows[0];
  if (Number(row?.failed ?? 0) > 0) throw new Error(`${row?.failed} no-op jobs failed`);
  return jobs - Number(row?.left ?? 0);
}
