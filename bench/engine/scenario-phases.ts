import type pg from 'pg';
import { withClient } from '../support/bench-database.js';
import { preciseNow } from '../support/precise-clock.js';
import type { IdleSample } from './idle-latency.js';
import { measureIdleLatency, waitForJobs } from './idle-latency.js';
import type { ScenarioSettings } from './scenario-result.js';
import type { FleetOutcome } from './worker-fleet.js';
import { WorkerFleet } from './worker-fleet.js';

/** Which worker processes a scenario starts, and with what arguments. */
export interface WorkerCommand {
  readonly script: string;
  readonly args: readonly string[];
}

/**
 * Idle-queue latency, on the still empty database: the workers start, then probes are
 * submitted one at a time. Every probe must have run exactly once.
 */
export async function latencyPhase(settings: ScenarioSettings, workers: WorkerCommand, submit: () => Promise<string>): Promise<FleetOutcome<IdleSample[]>> {
  const outcome = await WorkerFleet.run(settings.processes, workers.script, workers.args, async (fleet) => {
    fleet.go();
    return measureIdleLatency({ samples: settings.latencySamples, warmUp: settings.latencyWarmUp, gapMs: settings.latencyGapMs, watch: fleet.watch, submit });
  });
  const probes = settings.latencySamples + settings.latencyWarmUp;
  if (outcome.ran !== probes) throw new Error(`the workers ran ${outcome.ran} probes, expected ${probes} (each exactly once)`);
  return outcome;
}

export interface TimedRun {
  readonly runMs: number;
  readonly finished: number;
}

/**
 * Throughput: the jobs are already in the queue; fresh workers start on `go`, and the run
 * ends when `countFinished` reaches the count (or at the time limit, with the jobs done by then).
 */
export async function throughputPhase(
  settings: ScenarioSettings,
  workers: WorkerCommand,
  url: string,
  countFinished: (client: pg.Client) => Promise<number>,
): Promise<FleetOutcome<TimedRun>> {
  const outcome = await WorkerFleet.run(settings.processes, workers.script, workers.args, (fleet) => withClient(url, async (client) => {
    const began = preciseNow();
    fleet.go();
    const end = await waitForJobs(() => countFinished(client), settings.jobs, settings.runLimitMs);
    return { runMs: end.endedAt - began, finished: end.finished };
  }));
  const { finished } = outcome.value;
  // Stopped at the limit, the workers finish what they hold: they may have run a few more.
  const exact = finished === settings.jobs ? outcome.ran === finished : outcome.ran >= finished;
  if (!exact) throw new Error(`the workers ran ${outcome.ran} jobs for ${finished} finished (each must run exactly once)`);
  return outcome;
}
