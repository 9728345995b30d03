/** What one scenario measured in one round. */
export interface ScenarioResult {
  /** e.g. `Ostiary · PostgreSQL`, `graphile-worker 0.16.6`. */
  readonly system: string;
  /** `ostiary-sqlite`, `ostiary-pg-4`, `graphile-1`: how rounds of one scenario are grouped. */
  readonly key: string;
  readonly processes: number;
  /** Concurrency of each process. */
  readonly concurrency: number;
  /** Jobs submitted in bulk. */
  readonly jobs: number;
  /** Jobs finished within the time limit: `jobs` unless the run was stopped by `runLimitMs`. */
  readonly finished: number;
  /** Time to submit (add) the jobs in bulk, before any worker ran. */
  readonly submitMs: number;
  /** From `go` to the moment every job had finished (or the time limit). */
  readonly runMs: number;
  /** Idle-queue submit→start latencies. */
  readonly latenciesMs: readonly number[];
  /** The largest peak RSS of any process doing the work, in MB. */
  readonly peakRssMb: number;
  /** Where Ostiary's idle latency went (empty for peers). */
  readonly breakdown: string;
  /** Load average when the scenario ended. */
  readonly loadAverage: string;
}

export interface ScenarioSettings {
  readonly jobs: number;
  readonly processes: number;
  readonly concurrency: number;
  readonly latencySamples: number;
  readonly latencyWarmUp: number;
  readonly latencyGapMs: number;
  /** The throughput phase stops waiting after this long and reports the jobs finished so far. */
  readonly runLimitMs: number;
}

export function jobsPerSecond(result: ScenarioResult): number {
  return result.finished / (result.runMs / 1000);
}
