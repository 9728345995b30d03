/**
 * `npm run bench:engine` (issue 2): 10,000 no-op operations through Ostiary's full path —
 * submit, claim, executor, complete, on the real store — on SQLite (one process) and on
 * PostgreSQL (1 and 4 worker processes), side by side with graphile-worker 0.16 on the same
 * PostgreSQL; plus idle-queue submit→start latency and peak RSS. Rounds alternate the
 * scenarios, so a change in the machine's load falls on all of them alike.
 *
 * Options: --jobs N (10000) --rounds N (3) --concurrency N per process (8) --samples N (200)
 * --warm-up N (10) --gap-ms N (20) --run-limit-s N (600: a throughput run still going then is
 * stopped and reported with the jobs finished so far, marked partial) --only key,key
 * (ostiary-sqlite, ostiary-pg-1, graphile-1, ostiary-pg-4, graphile-4).
 */
import { parseArgs } from 'node:util';
import { runBenchmark } from './support/cleanup.js';
import { describeMachine, machineInfo } from './support/machine-info.js';
import { ratioLines, roundLine, summarize, summaryTable, targetLines } from './engine/engine-report.js';
import { runGraphile } from './engine/graphile-scenario.js';
import { runOstiaryPostgres } from './engine/ostiary-postgres-scenario.js';
import { runOstiarySqlite } from './engine/ostiary-sqlite-scenario.js';
import type { ScenarioResult, ScenarioSettings } from './engine/scenario-result.js';

type Scenario = { readonly key: string; run(settings: ScenarioSettings): Promise<ScenarioResult>; readonly processes: number };

const SCENARIOS: readonly Scenario[] = [
  { key: 'ostiary-sqlite', processes: 1, run: runOstiarySqlite },
  { key: 'ostiary-pg-1', processes: 1, run: runOstiaryPostgres },
  { key: 'graphile-1', processes: 1, run: runGraphile },
  { key: 'ostiary-pg-4', processes: 4, run: runOstiaryPostgres },
  { key: 'graphile-4', processes: 4, run: runGraphile },
];

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '8' },
    samples: { type: 'string', default: '200' },
    'warm-up': { type: 'string', default: '10' },
    'gap-ms': { type: 'string', default: '20' },
    'run-limit-s': { type: 'string', default: '600' },
    only: { type: 'string', default: SCENARIOS.map((scenario) => scenario.key).join(',') },
  },
});

await runBenchmark(async () => {
  const rounds = positive('rounds');
  const chosen = SCENARIOS.filter((scenario) => values.only.split(',').includes(scenario.key));
  if (chosen.length === 0) throw new Error(`--only: expected some of ${SCENARIOS.map((scenario) => scenario.key).join(', ')}`);
  console.log(`# engine throughput · ${describeMachine(machineInfo())}`);
  console.log(`${values.jobs} no-op jobs per scenario, ${values.concurrency} concurrent per process, ${rounds} rounds, ` +
    `${values.samples} idle probes (+${values['warm-up']} warm-up) spaced ${values['gap-ms']}–${2 * Number(values['gap-ms'])} ms, runs stopped after ${values['run-limit-s']} s\n`);
  const results: ScenarioResult[] = [];
  for (let round = 1; round <= rounds; round += 1) {
    for (const scenario of chosen) {
      const result = await scenario.run(settingsFor(scenario));
      results.push(result);
      console.log(`round ${round} · ${roundLine(result)}`);
    }
  }
  const summaries = summarize(results);
  console.log(`\n${summaryTable(summaries)}\n`);
  for (const line of [...ratioLines(summaries), '', ...targetLines(summaries)]) console.log(line);
  console.log(`\nended · load average ${describeMachine(machineInfo()).split('load average ')[1]}`);
});

function settingsFor(scenario: Scenario): ScenarioSettings {
  return {
    jobs: positive('jobs'),
    processes: scenario.processes,
    concurrency: positive('concurrency'),
    latencySamples: positive('samples'),
    latencyWarmUp: Number(values['warm-up']),
    latencyGapMs: Number(values['gap-ms']),
    runLimitMs: 1000 * positive('run-limit-s'),
  };
}

function positive(name: 'jobs' | 'rounds' | 'concurrency' | 'samples' | 'run-limit-s'): number {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name}: expected a positive integer, got ${values[name]}`);
  return value;
}
