import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchChild } from '../support/bench-child.js';
import { onCleanup } from '../support/cleanup.js';
import { loadAverage } from '../support/machine-info.js';
import type { SqliteChildMessage } from './engine-messages.js';
import type { ScenarioResult, ScenarioSettings } from './scenario-result.js';

const CHILD = fileURLToPath(new URL('./ostiary-sqlite-child.ts', import.meta.url));

/** Ostiary on a fresh SQLite file, everything in one process (its peak RSS is the whole product's). */
export async function runOstiarySqlite(settings: ScenarioSettings): Promise<ScenarioResult> {
  const dir = await mkdtemp(join(tmpdir(), 'ostiary-bench-'));
  const removeDir = onCleanup(() => rm(dir, { recursive: true, force: true }));
  const { jobs, concurrency, latencySamples, latencyWarmUp, latencyGapMs, runLimitMs } = settings;
  const args = [join(dir, 'ostiary.db'), join(dir, 'data'), jobs, concurrency, latencySamples, latencyWarmUp, latencyGapMs, runLimitMs].map(String);
  const child = new BenchChild<SqliteChildMessage>(CHILD, args);
  try {
    await child.next('ready', 120_000);
    child.send({ type: 'go' });
    const result = await child.next('result', runLimitMs + 300_000);
    const peakRssMb = child.peakRssMb();
    const stopped = child.next('stopped', 30_000);
    await child.stop(30_000);
    const ran = (await stopped).ran - latencySamples - latencyWarmUp;
    const exact = result.finished === jobs ? ran === jobs : ran >= result.finished;
    if (!exact) throw new Error(`the engine ran ${ran} operations for ${result.finished} finished (each must run exactly once)`);
    return {
      system: 'Ostiary · SQLite', key: 'ostiary-sqlite', ...settings, processes: 1,
      submitMs: result.submitMs, runMs: result.runMs, finished: result.finished, latenciesMs: result.latenciesMs, breakdown: result.breakdown, peakRssMb, loadAverage: loadAverage(),
    };
  } finally {
    await child.kill();
    await removeDir();
  }
}
