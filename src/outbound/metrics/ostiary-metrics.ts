import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { EngineLogger } from '../../engine/engine-logger.js';
import type { SinkState } from '../../store/sink-store.js';
import type { Store } from '../../store/store.js';

/** Outcomes a rotation ends with (DESIGN.md §4), the label of {@link OstiaryMetrics.rotations}. */
export type RotationOutcome = 'succeeded' | 'failed' | 'unverified' | 'out_of_sync' | 'reconciled';

export interface OstiaryMetricsOptions {
  /** Where gauges read operations and sinks at scrape time. */
  readonly store: Store;
  /** Also export Node's process metrics (CPU, memory, event loop lag). @defaultValue true */
  readonly processMetrics?: boolean;
  readonly logger?: EngineLogger;
}

/**
 * Ostiary's Prometheus metrics (prom-client), one registry per process. Counters and
 * histograms are fed by this process as things happen; gauges read the store when scraped,
 * so every node reports the same queue and sink figures. Labels are statuses, executor and
 * sink names, HTTP methods and route templates — never ids, URLs or values from a request.
 */
export class OstiaryMetrics {
  readonly registry = new Registry();
  /** Seconds from claim to the end of an attempt, by executor and outcome. */
  readonly attemptDuration: Histogram<'executor' | 'outcome'>;
  /** Running operations whose lease ran out and were recovered by this process. */
  readonly leaseRecoveries: Counter<'next_status'>;
  /** Rotations by outcome; the rotation module increments it. */
  readonly rotations: Counter<'outcome'>;
  /** Seconds to answer an HTTP request, by method, route template and status code. */
  readonly httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  readonly #options: OstiaryMetricsOptions;

  constructor(options: OstiaryMetricsOptions) {
    this.#options = options;
    const registers = [this.registry];
    this.attemptDuration = new Histogram({
      name: 'ostiary_attempt_duration_seconds',
      help: 'Duration of operation attempts, from claim to end',
      labelNames: ['executor', 'outcome'],
      buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900],
      registers,
    });
    this.leaseRecoveries = new Counter({ name: 'ostiary_lease_recoveries_total', help: 'Expired leases recovered by this process', labelNames: ['next_status'], registers });
    this.rotations = new Counter({ name: 'ostiary_rotations_total', help: 'Credential rotations by outcome', labelNames: ['outcome'], registers });
    this.httpDuration = new Histogram({
      name: 'ostiary_http_request_duration_seconds',
      help: 'HTTP request durations by method, route template and status code',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.#queueGauges(registers);
    this.#sinkGauges(registers);
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** The Prometheus text exposition of every metric. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  #queueGauges(registers: Registry[]): void {
    const store = this.#options.store;
    // The three gauges are collected at once; they share one read of the store.
    const stats = this.#shared('queue', () => store.operations.stats());
    new Gauge({
      name: 'ostiary_operations', help: 'Operations by status and executor', labelNames: ['status', 'executor'], registers,
      async collect() {
        const read = await stats();
        this.reset();
        for (const c of read?.byStatusAndExecutor ?? []) this.set({ status: c.status, executor: c.executor }, c.count);
      },
    });
    new Gauge({
      name: 'ostiary_queue_depth', help: 'Scheduled operations that are due and wait for a worker', registers,
      async collect() {
        const read = await stats();
        if (read) this.set(read.dueCount);
      },
    });
    new Gauge({
      name: 'ostiary_queue_oldest_due_age_seconds', help: 'How long the oldest due scheduled operation has waited', registers,
      async collect() {
        const read = await stats();
        if (read) this.set(read.oldestDueAgeMs / 1000);
      },
    });
  }

  #sinkGauges(registers: Registry[]): void {
    const store = this.#options.store;
    const sinks = this.#shared('sinks', async () => {
      const [records, states] = await Promise.all([store.sinks.list(), store.sinks.states()]);
      const names = new Map(records.map((sink) => [sink.id, sink.name]));
      return states.map((state) => ({ sink: names.get(state.sinkId) ?? state.sinkId, state }));
    });
    const sinkGauge = (name: string, help: string, value: (state: SinkState) => number | null) =>
      new Gauge({
        name, help, labelNames: ['sink'], registers,
        async collect() {
          const read = await sinks();
          if (!read) return;
          this.reset();
          for (const { sink, state } of read) {
            const v = value(state);
            if (v !== null) this.set({ sink }, v);
          }
        },
      });
    sinkGauge('ostiary_outbox_lag_events', 'Outbox events not yet handed to the sink', (s) => s.lag);
    sinkGauge('ostiary_sink_consecutive_failures', 'Failed deliveries since the last success', (s) => s.failures);
    sinkGauge('ostiary_sink_last_delivery_timestamp_seconds', 'When the sink last took events', (s) => (s.deliveredAt === null ? null : s.deliveredAt / 1000));
  }

  /**
   * One read shared by every gauge collected in the same scrape: prom-client starts every
   * collect in the same tick, so they all find the read in flight. `null` when the store could not be read: the gauges then keep their values.
   */
  #shared<T>(what: string, read: () => Promise<T>): () => Promise<T | null> {
    let inFlight: Promise<T | null> | null = null;
    return () => {
      inFlight ??= this.#scrape(what, read).finally(() => (inFlight = null));
      return inFlight;
    };
  }

  /** A scrape never fails because the database is down: the gauges keep their last values. */
  async #scrape<T>(what: string, read: () => Promise<T>): Promise<T | null> {
    try {
      return await read();
    } catch (error) {
      this.#options.logger?.warn({ err: String(error), what }, 'metrics: could not read the store');
      return null;
    }
  }
}
