import type { AttemptResult, Claim, ClaimRequest, Completion, CompletionOutcome, Store } from '../../store/store.js';
import type { OstiaryMetrics } from './ostiary-metrics.js';

/**
 * The store with the engine's calls measured: a claim starts an attempt's clock, `complete`
 * observes its duration, `recoverExpiredLeases` counts recoveries. The engine needs no
 * metrics code; `start` hands it this store instead of the plain one.
 */
export function instrumentStore<S extends Store>(store: S, metrics: OstiaryMetrics, now: () => number = Date.now): S {
  const started = new Map<string, { at: number; executor: string }>();
  const queue = store.operations;
  const observe = (attemptId: string, result: AttemptResult): void => {
    const start = started.get(attemptId);
    started.delete(attemptId);
    if (start) metrics.attemptDuration.observe({ executor: start.executor, outcome: result.outcome }, (now() - start.at) / 1000);
  };
  const startAll = (claims: readonly Claim[]): void => {
    for (const claim of claims) started.set(claim.attempt.id, { at: now(), executor: claim.operation.executor });
  };
  const observeAll = (items: readonly Completion[], outcomes: readonly CompletionOutcome[]): void => {
    items.forEach((item, i) => (outcomes[i]?.ok ? observe(item.attemptId, item.result) : started.delete(item.attemptId)));
  };
  const operations: Store['operations'] = Object.freeze({
    ...queue,
    claimNext: async (request: ClaimRequest) => {
      const claim: Claim | null = await queue.claimNext(request);
      if (claim) started.set(claim.attempt.id, { at: now(), executor: claim.operation.executor });
      return claim;
    },
    claimMany: async (request: ClaimRequest, max: number) => {
      const claims = await queue.claimMany(request, max);
      startAll(claims);
      return claims;
    },
    complete: async (operationId: string, attemptId: string, workerId: string, result: AttemptResult) => {
      try {
        const operation = await queue.complete(operationId, attemptId, workerId, result);
        observe(attemptId, result);
        return operation;
      } finally {
        started.delete(attemptId);
      }
    },
    completeMany: async (items: readonly Completion[]) => {
      const outcomes = await queue.completeMany(items);
      observeAll(items, outcomes);
      return outcomes;
    },
    completeAndClaim: async (items: readonly Completion[], request: ClaimRequest, max: number) => {
      const batch = await queue.completeAndClaim(items, request, max);
      observeAll(items, batch.outcomes);
      startAll(batch.claims);
      return batch;
    },
    recoverExpiredLeases: async (at: number) => {
      const recovered = await queue.recoverExpiredLeases(at);
      for (const r of recovered) metrics.leaseRecoveries.inc({ next_status: r.nextStatus });
      return recovered;
    },
  });
  return Object.freeze({ ...store, operations });
}
