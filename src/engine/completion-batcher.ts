import type { Operation } from '../domain/index.js';
import type { AttemptResult, Claim, ClaimRequest, Completion, CompletionOutcome, Store } from '../store/store.js';

/** Largest batch of completions written in one transaction. */
const MAX_BATCH = 64;

/**
 * How long a report waits for the reports of the worker's other running attempts before its
 * batch is written. Without it a busy worker settles into batches of one or two (each report
 * is written alone, so it frees one slot and claims one, whose report comes alone again):
 * measured on PostgreSQL, 1.6 operations per transaction at concurrency 8. An attempt takes
 * seconds in real use, so 2 ms more before its report is written costs nothing there; a
 * report is written at once when no other attempt is running.
 */
export const GATHER_MS = 2;

interface Waiting {
  readonly item: Completion;
  resolve(operation: Operation): void;
  reject(error: unknown): void;
}

/**
 * Lets a batch of reports claim new work in its own transaction: the slots of the attempts
 * being reported are about to free up, so the worker can fill them without a claim
 * transaction of its own.
 */
export interface ClaimRefill {
  /**
   * How many operations the batch may claim once `finishing` of the worker's attempts end,
   * and for whom; `null` when it should not claim (the worker is stopping). The worker
   * reserves those slots until {@link adopt} is called.
   */
  reserve(finishing: number): { readonly request: ClaimRequest; readonly max: number } | null;
  /** Attempts of the worker still running, those waiting to be reported included. */
  running(): number;
  /** Starts what was claimed and releases the reservation (`claims` is empty when the write failed). */
  adopt(claims: readonly Claim[], reserved: number): void;
}

/**
 * Group commit for attempt reports: while one batch is being written, the reports that arrive
 * wait and go together in the next transaction. An idle engine writes each report at once
 * (a batch of one, no added latency); a busy one pays one commit for many. Each caller still
 * gets its own result: its operation, or its own error (`OST_LEASE_LOST`, or the store's
 * failure, which the caller may retry). With a {@link ClaimRefill}, the same transaction also
 * claims the work that takes the reported attempts' places.
 */
export class CompletionBatcher {
  #waiting: Waiting[] = [];
  #writing = false;
  #gather: NodeJS.Timeout | null = null;
  #refill: ClaimRefill | null = null;

  constructor(private readonly store: Pick<Store, 'operations'>) {}

  /** The worker whose slots the reports free; set once, by the worker. */
  refillWith(refill: ClaimRefill): void {
    this.#refill = refill;
  }

  complete(operationId: string, attemptId: string, workerId: string, result: AttemptResult): Promise<Operation> {
    return new Promise<Operation>((resolve, reject) => {
      this.#waiting.push({ item: { operationId, attemptId, workerId, result }, resolve, reject });
      if (this.#writing) return; // the writer takes it with the next batch
      if (this.#waiting.length >= (this.#refill?.running() ?? 0)) {
        // Every running attempt has reported: nothing more to wait for.
        if (this.#gather) clearTimeout(this.#gather);
        this.#gather = null;
        void this.#writeAll();
      } else {
        this.#gather ??= setTimeout(() => {
          this.#gather = null;
          if (!this.#writing) void this.#writeAll();
        }, GATHER_MS);
      }
    });
  }

  async #writeAll(): Promise<void> {
    this.#writing = true;
    try {
      while (this.#waiting.length > 0) {
        const batch = this.#waiting.splice(0, MAX_BATCH);
        try {
          const outcomes = await this.#write(batch.map((waiting) => waiting.item));
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

  /** Writes the reports, claiming in the same transaction when the worker has room. */
  async #write(items: readonly Completion[]): Promise<readonly CompletionOutcome[]> {
    const refill = this.#refill;
    const ask = refill?.reserve(items.length) ?? null;
    if (!refill || !ask) return this.store.operations.completeMany(items);
    let claims: readonly Claim[] = [];
    try {
      const batch = await this.store.operations.completeAndClaim(items, ask.request, ask.max);
      claims = batch.claims;
      return batch.outcomes;
    } finally {
      refill.adopt(claims, ask.max);
    }
  }
}
