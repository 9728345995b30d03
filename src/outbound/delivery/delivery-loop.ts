import { hostname } from 'node:os';
import { newId } from '../../domain/index.js';
import type { SinkRecord } from '../../store/sink-store.js';
import type { Store } from '../../store/store.js';
import type { AuditChainHead } from '../outbound-event.js';
import { DEFAULT_BACKOFF } from './backoff.js';
import type { DeliveryLoopOptions, ResolvedLoopOptions } from './delivery-loop-options.js';
import { SinkLane } from './sink-lane.js';

export type { DeliveryLoopOptions, ResolvedLoopOptions } from './delivery-loop-options.js';


/**
 * Delivers the outbox to every enabled sink (DESIGN.md §7): one lane per sink, each under
 * the sink's lease so that one node at a time delivers it when several share PostgreSQL.
 * The sink list is read again every `reloadMs`, so sinks added, changed or removed through
 * the API are picked up without a restart.
 */
export class DeliveryLoop {
  readonly #o: ResolvedLoopOptions;
  readonly #lanes = new Map<string, SinkLane>();
  #reloadTimer: NodeJS.Timeout | null = null;
  #unsubscribe: (() => Promise<void>) | null = null;
  #running = false;

  constructor(options: DeliveryLoopOptions) {
    this.#o = resolve(options);
  }

  get owner(): string {
    return this.#o.owner;
  }

  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    // Submitted work means operation events are on their way: look sooner than the next poll.
    this.#unsubscribe = await this.#o.store.signals.onWork(() => this.wake());
    await this.reload();
  }

  /** Reads the sink list and starts, restarts or stops lanes to match it. */
  async reload(): Promise<void> {
    if (this.#reloadTimer) clearTimeout(this.#reloadTimer);
    this.#reloadTimer = null;
    try {
      await this.#sync(await this.#o.store.sinks.list());
    } catch (error) {
      this.#o.logger?.warn({ err: String(error) }, 'could not read the sink list');
    }
    if (this.#running) this.#reloadTimer = setTimeout(() => void this.reload(), this.#o.reloadMs);
  }

  /** Wakes idle lanes now (new events were appended in this process). */
  wake(): void {
    for (const lane of this.#lanes.values()) lane.wake();
  }

  async stop(): Promise<void> {
    this.#running = false;
    if (this.#reloadTimer) clearTimeout(this.#reloadTimer);
    this.#reloadTimer = null;
    await this.#unsubscribe?.();
    this.#unsubscribe = null;
    await Promise.all([...this.#lanes.values()].map((lane) => lane.stop()));
    this.#lanes.clear();
  }

  async #sync(records: readonly SinkRecord[]): Promise<void> {
    const wanted = new Map(records.filter((r) => r.enabled).map((r) => [r.id, r]));
    for (const [id, lane] of this.#lanes) {
      const record = wanted.get(id);
      if (record && record.updatedAt === lane.record.updatedAt) continue;
      this.#lanes.delete(id);
      await lane.stop();
    }
    if (!this.#running) return;
    for (const record of wanted.values()) {
      if (this.#lanes.has(record.id)) continue;
      const lane = new SinkLane(record, this.#o);
      this.#lanes.set(record.id, lane);
      lane.start();
    }
  }
}

function resolve(options: DeliveryLoopOptions): ResolvedLoopOptions {
  const store = options.store;
  return {
    store,
    buildSink: options.buildSink,
    owner: options.owner ?? `${hostname()}:${process.pid}:${newId().slice(0, 8)}`,
    pollMs: options.pollMs ?? 1_000,
    reloadMs: options.reloadMs ?? 5_000,
    leaseMs: options.leaseMs ?? 30_000,
    batchSize: options.batchSize ?? 100,
    backoff: options.backoff ?? DEFAULT_BACKOFF,
    auditHead: options.auditHead ?? (() => storeAuditHead(store)),
    logger: options.logger ?? null,
    now: options.now ?? Date.now,
  };
}

/** The chain's head as the audit log keeps it; `null` before the first audit event. */
export async function storeAuditHead(store: Store): Promise<AuditChainHead | null> {
  const head = await store.audit.head();
  return head.seq === 0 ? null : { seq: head.seq, hash: head.hash };
}
