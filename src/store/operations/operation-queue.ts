import type { NewOperation } from '../../domain/index.js';
import type { StoreContext } from '../store-context.js';
import type { OperationQueue } from '../store.js';
import { claimMany, claimNext } from './claim-next.js';
import { appendTranscript, complete, completeAndClaim, completeMany, heartbeat } from './lease-commands.js';
import { recoverExpiredLeases } from './lease-recovery.js';
import { getOperation, listAttempts, listOperations, queueStats } from './operation-queries.js';
import { submitOperations } from './submit-operations.js';
import { release, requestCancel, restart, runImmediately } from './user-commands.js';

/** The operation queue over one database: each method is one transaction (or one statement). */
export function createOperationQueue(ctx: StoreContext): OperationQueue {
  return Object.freeze({
    submit: async (operation: NewOperation) => {
      const [submitted] = await submitOperations(ctx, [operation], () => 'operation');
      // One input gives one operation.
      return submitted as NonNullable<typeof submitted>;
    },
    submitMany: (operations: readonly NewOperation[]) => submitOperations(ctx, operations, (i) => `operations[${i}]`),
    get: (id) => getOperation(ctx, id),
    list: (filter, page) => listOperations(ctx, filter, page),
    attempts: (operationId) => listAttempts(ctx, operationId),
    claimNext: (request) => claimNext(ctx, request),
    claimMany: (request, max) => claimMany(ctx, request, max),
    heartbeat: (operationId, attemptId, workerId, leaseMs) => heartbeat(ctx, operationId, attemptId, workerId, leaseMs),
    appendTranscript: (attemptId, workerId, text) => appendTranscript(ctx, attemptId, workerId, text),
    complete: (operationId, attemptId, workerId, result) => complete(ctx, operationId, attemptId, workerId, result),
    completeMany: (items) => completeMany(ctx, items),
    completeAndClaim: (items, request, max) => completeAndClaim(ctx, items, request, max),
    requestCancel: (operationId, actor) => requestCancel(ctx, operationId, actor),
    restart: (operationId, actor) => restart(ctx, operationId, actor),
    runImmediately: (operationId, actor) => runImmediately(ctx, operationId, actor),
    release: (operationIds, to, actor) => release(ctx, operationIds, to, actor),
    recoverExpiredLeases: (now) => recoverExpiredLeases(ctx, now),
    stats: () => queueStats(ctx),
  } satisfies OperationQueue);
}
