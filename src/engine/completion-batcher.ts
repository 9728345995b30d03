import type { Operation } from '../domain/index.js';
import type { AttemptResult, Completion, Store } from '../store/store.js';

/** Largest batch of completions written in one transaction. */
const MAX_BATCH = 64;

interface Waiting {
  readonly item: Completion;
  resolve(operation: Operation): void;
  reject(error: unknown): void;
}

/**
 * Group commit for attempt reports: while one batch is being written, the reports that arrive
 * wait and go together in the next transaction. An idle engine writes each report at once
 * (a batch of one, no added latency); a busy one pays one commit for many. Each caller still
 * gets its own result: its operation, or its own error (`OST_LEASE_LOST`, or the store's
 * failure, which the caller may retry).
 */
export class CompletionBatcher {
  #waiting: Waiting[] = [];
  #writing = false;

  constructor(private readonly store: Pick<Store, 'operations'>) {}

  complete(operationId: string, attemptId: string, workerId: string, result: AttemptResult): Promise<Operation> {
    return new Promise<Operation>((resolve, reject) => {
      this.#waiting.push({ item: { operationId, attemptId, workerId, result }, resolve, reject });
      if (!this.#writing) void this.#writeAll();
    });
  }

  async #writeAll(): Promise<void> {
    this.#writing = true;
    try {
      while (this.#waiting.length > 0) {
        const batch = this.#waiting.splice(0, MAX_BATCH);
        try {
          const outcomes = await this.store.operations.completeMany(batch.map((waiting) => waiting.item));
          batch.forEach((waiting, i) => {
            const outcome = outcomes[i];
            if (outcome?.ok) waiting.resolve(outcome.operation);
            else waiting.reject(outcome ? outcome.error : new Error('the store returned no outcome for this attempt'));
          });
        } catch (error) {
          for (const waiting of batch) waiting.reject(error);
        }
      }
    } finally {
      this.#writing = false;
    }
  }
}
