import type { Store } from '../../src/store/store.js';
import { formatNumber, median, percentile } from '../support/statistics.js';
import type { IdleSample } from './idle-latency.js';

/**
 * Where an Ostiary probe's submit→start time went, from its rows: until the submit
 * transaction began (`created_at`), until the claim transaction began (`attempts.started_at`:
 * the wake-up), and from there to the executor call (claim, commit, outbox numbering, loading
 * the inputs). Row times are whole milliseconds.
 */
export async function latencyBreakdown(store: Store, samples: readonly IdleSample[]): Promise<string> {
  const phases: [number[], number[], number[]] = [[], [], []];
  for (const sample of samples) {
    const operation = await store.operations.get(sample.id);
    const attempt = (await store.operations.attempts(sample.id))[0];
    if (!operation || !attempt) continue;
    phases[0].push(operation.createdAt - sample.submittedAt);
    phases[1].push(attempt.startedAt - operation.createdAt);
    phases[2].push(sample.startedAt - attempt.startedAt);
  }
  const [toSubmit, toClaim, toExecutor] = phases.map((values) => `${formatNumber(median(values), 1)}/${formatNumber(percentile(values, 0.99), 1)}`);
  return `p50/p99 ms: call→submit tx ${toSubmit}, submit tx→claim tx ${toClaim}, claim tx→executor ${toExecutor}`;
}
