import { markdownTable } from '../support/markdown-table.js';
import { formatNumber, formatRatio, formatSpread, median, percentile, spreadOf } from '../support/statistics.js';
import type { ScenarioResult } from './scenario-result.js';
import { jobsPerSecond } from './scenario-result.js';

/** Targets of issue 2. */
export const TARGETS = Object.freeze({ sqliteOpsPerSecond: 5_000, p99LatencyMs: 50 });

/** Every round of one scenario, summarized. */
export interface ScenarioSummary {
  readonly key: string;
  readonly system: string;
  readonly shape: string;
  readonly rounds: readonly ScenarioResult[];
  readonly jobsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export function summarize(results: readonly ScenarioResult[]): ScenarioSummary[] {
  const keys = [...new Set(results.map((result) => result.key))];
  return keys.map((key) => {
    const rounds = results.filter((result) => result.key === key);
    const first = rounds[0] as ScenarioResult;
    const latencies = rounds.flatMap((round) => round.latenciesMs);
    return {
      key, rounds, system: first.system,
      shape: `${first.processes} × ${first.concurrency}`,
      jobsPerSecond: median(rounds.map(jobsPerSecond)),
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
    };
  });
}

/** One line per round, printed as the run goes. */
export function roundLine(result: ScenarioResult): string {
  const latencies = result.latenciesMs;
  const partial = result.finished < result.jobs ? ` — PARTIAL: stopped at the time limit with ${result.finished} of ${result.jobs} done` : '';
  return `${result.key}: ${formatNumber(jobsPerSecond(result))} jobs/s (${formatNumber(result.runMs)} ms for ${result.finished}; bulk submit ${formatNumber(result.submitMs)} ms), ` +
    `idle submit→start p50 ${formatNumber(percentile(latencies, 0.5), 1)} ms p99 ${formatNumber(percentile(latencies, 0.99), 1)} ms, ` +
    `peak RSS ${formatNumber(result.peakRssMb)} MB · load ${result.loadAverage}${partial}` +
    (result.breakdown ? `\n    idle latency, ${result.breakdown}` : '');
}

export function summaryTable(summaries: readonly ScenarioSummary[]): string {
  const headers = ['system', 'processes × concurrency', 'jobs/s median (min–max)', 'idle p50 ms', 'idle p99 ms (per-round p99)', 'bulk submit ms', 'peak RSS MB', 'load average at end of rounds'];
  return markdownTable(headers, summaries.map((summary) => [
    summary.system,
    summary.shape,
    formatSpread(spreadOf(summary.rounds.map(jobsPerSecond))) + partialMark(summary),
    formatNumber(summary.p50Ms, 1),
    `${formatNumber(summary.p99Ms, 1)} (${formatSpread(spreadOf(summary.rounds.map((round) => percentile(round.latenciesMs, 0.99))), 1)})`,
    formatSpread(spreadOf(summary.rounds.map((round) => round.submitMs))),
    formatSpread(spreadOf(summary.rounds.map((round) => round.peakRssMb))),
    summary.rounds.map((round) => round.loadAverage.split(',')[0]).join(' / '),
  ]));
}

/** A run stopped at the time limit measured only the start of the queue (its slowest part for a queue whose claims slow down as it grows). */
function partialMark(summary: ScenarioSummary): string {
  const partial = summary.rounds.filter((round) => round.finished < round.jobs);
  return partial.length === 0 ? '' : ` ⚠ partial in ${partial.length} round(s): ${partial.map((round) => round.finished).join(', ')} of ${partial[0]?.jobs} done`;
}

/** Ostiary against graphile-worker, same processes and concurrency; above 1× Ostiary is better. */
export function ratioLines(summaries: readonly ScenarioSummary[]): string[] {
  const byKey = new Map(summaries.map((summary) => [summary.key, summary]));
  const lines: string[] = [];
  for (const processes of [1, 4]) {
    const ours = byKey.get(`ostiary-pg-${processes}`);
    const theirs = byKey.get(`graphile-${processes}`);
    if (!ours || !theirs) continue;
    lines.push(`PostgreSQL, ${ours.shape}: throughput Ostiary/graphile ${formatRatio(ours.jobsPerSecond / theirs.jobsPerSecond)}, ` +
      `idle p50 graphile/Ostiary ${formatRatio(theirs.p50Ms / ours.p50Ms)}, idle p99 graphile/Ostiary ${formatRatio(theirs.p99Ms / ours.p99Ms)}`);
  }
  return lines;
}

/** Each target with met/missed and by how much. */
export function targetLines(summaries: readonly ScenarioSummary[]): string[] {
  const byKey = new Map(summaries.map((summary) => [summary.key, summary]));
  const lines: string[] = [];
  const sqlite = byKey.get('ostiary-sqlite');
  if (sqlite) lines.push(target(`SQLite ≥ ${formatNumber(TARGETS.sqliteOpsPerSecond)} ops/s`, sqlite.jobsPerSecond, TARGETS.sqliteOpsPerSecond, 'ops/s'));
  const pg4 = byKey.get('ostiary-pg-4');
  const graphile4 = byKey.get('graphile-4');
  if (pg4 && graphile4) lines.push(target(`PostgreSQL 4 workers ≥ graphile-worker (${formatNumber(graphile4.jobsPerSecond)} jobs/s)`, pg4.jobsPerSecond, graphile4.jobsPerSecond, 'ops/s'));
  for (const summary of summaries.filter((candidate) => candidate.key.startsWith('ostiary'))) {
    const met = summary.p99Ms < TARGETS.p99LatencyMs;
    lines.push(`${met ? 'MET   ' : 'MISSED'} ${summary.system} ${summary.shape}: idle p99 < ${TARGETS.p99LatencyMs} ms — ${formatNumber(summary.p99Ms, 1)} ms` +
      (met ? '' : ` (${formatNumber(summary.p99Ms - TARGETS.p99LatencyMs, 1)} ms over)`));
  }
  return lines;
}

function target(what: string, value: number, goal: number, unit: string): string {
  if (value >= goal) return `MET    ${what}: ${formatNumber(value)} ${unit} (${formatRatio(value / goal)} of the target)`;
  return `MISSED ${what}: ${formatNumber(value)} ${unit}, ${formatNumber(100 * (1 - value / goal), 1)} % short (${formatRatio(value / goal)} of the target)`;
}
