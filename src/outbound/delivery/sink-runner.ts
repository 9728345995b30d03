import type { OutboxEvent } from '../../domain/index.js';
import type { SinkRecord } from '../../store/sink-store.js';
import type { Store } from '../../store/store.js';
import type { AuditChainHead, OutboundEvent } from '../outbound-event.js';
import { backoffDelay, type BackoffPolicy } from './backoff.js';
import type { DeliveryResult, OutboundSink } from './outbound-sink.js';

export interface SinkRunnerOptions {
  readonly store: Store;
  readonly sink: SinkRecord;
  /** This delivery loop's name in the sink's lease. */
  readonly owner: string;
  readonly leaseMs: number;
  readonly batchSize: number;
  readonly backoff: BackoffPolicy;
  readonly auditHead: () => Promise<AuditChainHead | null>;
  readonly now: () => number;
}

/** What one step did, and so when the next one should run. */
export type StepResult =
  | { readonly kind: 'delivered'; readonly count: number }
  | { readonly kind: 'idle' }
  | { readonly kind: 'standby' }
  | { readonly kind: 'failed'; readonly retryAt: number; readonly error: string }
  | { readonly kind: 'waiting'; readonly retryAt: number };

/**
 * Delivers one sink: holds its lease, reads the outbox after the sink's cursor, hands the
 * events it wants to the sink in order, and moves the cursor only past what was delivered.
 * A failure keeps the cursor where it is and backs off exponentially.
 */
export class SinkRunner {
  readonly #o: SinkRunnerOptions;
  #retryAt = 0;

  constructor(options: SinkRunnerOptions) {
    this.#o = options;
  }

  get sink(): SinkRecord {
    return this.#o.sink;
  }

  /** One round with `outbound`: lease, read, deliver, record. */
  async step(outbound: OutboundSink): Promise<StepResult> {
    const { store, sink, owner } = this.#o;
    const lease = await store.sinks.acquireLease(sink.id, owner, this.#o.leaseMs);
    if (!lease) return { kind: 'standby' };
    if (this.#o.now() < this.#retryAt) return { kind: 'waiting', retryAt: this.#retryAt };
    const cursor = await this.#rewound(outbound, lease.deliveredSeq);
    const batch = await store.outbox.read(cursor, this.#o.batchSize);
    const last = batch.at(-1);
    if (!last) return { kind: 'idle' };
    const wanted = batch.filter((event) => outbound.accepts(event.type));
    const result = await this.#deliver(outbound, wanted, lease.failures + 1);
    return result.error === null ? this.#succeeded(last.seq, result) : this.#failed(lease.failures + 1, result);
  }

  /** Releases the lease so another node can take over at once. */
  async release(): Promise<void> {
    await this.#o.store.sinks.releaseLease(this.#o.sink.id, this.#o.owner);
  }

  async #rewound(outbound: OutboundSink, cursor: number): Promise<number> {
    const from = outbound.takeRewind();
    if (from === null || from - 1 >= cursor) return cursor;
    await this.#o.store.sinks.rewind(this.#o.sink.id, this.#o.owner, from - 1);
    return from - 1;
  }

  async #deliver(outbound: OutboundSink, events: readonly OutboxEvent[], attempt: number): Promise<DeliveryResult> {
    if (events.length === 0) return { deliveredThrough: null, sent: 0, log: [], error: null };
    const auditHead = await this.#o.auditHead();
    const batch: OutboundEvent[] = events.map((event) => ({ event, auditHead }));
    return outbound.deliver(batch, attempt);
  }

  async #succeeded(throughSeq: number, result: DeliveryResult): Promise<StepResult> {
    this.#retryAt = 0;
    const held = await this.#o.store.sinks.recordDelivered(this.#o.sink.id, this.#o.owner, throughSeq, result.sent, result.log);
    return held ? { kind: 'delivered', count: result.sent } : { kind: 'standby' };
  }

  async #failed(failures: number, result: DeliveryResult): Promise<StepResult> {
    const { store, sink, owner } = this.#o;
    const error = result.error ?? 'delivery failed';
    let failureNumber = failures;
    if (result.deliveredThrough !== null) {
      await store.sinks.recordDelivered(sink.id, owner, result.deliveredThrough, result.sent, []);
      failureNumber = 1;
    }
    this.#retryAt = this.#o.now() + backoffDelay(this.#o.backoff, failureNumber);
    const log = result.log;
    const held = await store.sinks.recordFailure(sink.id, owner, { error, nextAttemptAt: this.#retryAt, log });
    return held ? { kind: 'failed', retryAt: this.#retryAt, error } : { kind: 'standby' };
  }
}
