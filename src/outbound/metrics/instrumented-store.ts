import type { AttemptResult, Claim, ClaimRequest, Store } from '../../store/store.js';
import type { OstiaryMetrics } from './ostiary-metrics.js';

/**
 * The store with the engine's calls measured: a claim starts an attempt's clock, `complete`
 * observes its duration, `recoverExpiredLeases` counts recoveries. The engine needs no
 * metrics code; `start` hands it this store instead of the plain one.
 */
export function instrumentStore<S extends Store>(store: S, metrics: OstiaryMetrics, now: () => number = Date.now): S {
  const started = new Map<string, { at: number; executor: string }>();
  const queue = store.operations;
  const operations: Store['operations'] = Object.freeze({
    ...queue,
    claimNext: async (request: ClaimRequest) => {
      const claim: Claim | null = await queue.claimNext(request);
      if (claim) started.set(claim.attempt.id, { at: now(), executor: claim.operation.executor });
      return claim;
    },
    complete: async (operationId: string, attemptId: string, workerId: string, result: AttemptResult) => {
      const start = started.get(attemptId);
      started.delete(attemptId);
      const operation = await queue.complete(operationId, attemptId, workerId, result);
      if (start) metrics.attemptDuration.observe({ executor: start.executor, outcome: result.outcome }, (now() - start.at) / 1000);
      return operation;
    },
    recoverExpiredLeases: async (at: number) => {
      const recovered = await queue.recoverExpiredLeases(at);
      for (const r of recovered) metrics.leaseRecoveries.inc({ next_status: r.nextStatus });
      return recovered;
    },
  });
  return Object.freeze({ ...store, operations });
}
