import type { SinkRecord } from '../../store/sink-store.js';
import type { ResolvedLoopOptions } from './delivery-loop-options.js';
import { describeError, type DeliveryResult, type OutboundSink } from './outbound-sink.js';
import { SinkRunner, type StepResult } from './sink-runner.js';

/**
 * One sink's loop in this process: steps its runner, sleeping when there is nothing to do,
 * during backoff, or while another node holds the lease. Never throws: a step that fails
 * unexpectedly (database down) is logged and retried after `pollMs`.
 */
export class SinkLane {
  readonly record: SinkRecord;
  readonly #o: ResolvedLoopOptions;
  #stopped = false;
  #sleep: { timer: NodeJS.Timeout; resolve: () => void } | null = null;
  #done: Promise<void> = Promise.resolve();

  constructor(record: SinkRecord, options: ResolvedLoopOptions) {
    this.record = record;
    this.#o = options;
  }

  start(): void {
    this.#done = this.#run();
  }

  /** Ends an idle sleep early. */
  wake(): void {
    this.#endSleep();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#endSleep();
    await this.#done;
  }

  async #run(): Promise<void> {
    const runner = new SinkRunner({ ...this.#o, sink: this.record });
    let outbound: OutboundSink | null = null;
    while (!this.#stopped) {
      // A sink that could not be built (secret file missing, …) is built again at each try.
      const current: OutboundSink = outbound ?? (await this.#buildSink());
      if (current.accepts !== brokenAccepts) outbound = current;
      const result = await this.#step(runner, current);
      await this.#pause(result);
    }
    await Promise.allSettled([runner.release(), outbound?.close()]);
  }

  async #step(runner: SinkRunner, outbound: OutboundSink): Promise<StepResult> {
    try {
      return await runner.step(outbound);
    } catch (error) {
      this.#o.logger?.warn({ sink: this.record.name, err: describeError(error) }, 'sink delivery step failed');
      return { kind: 'waiting', retryAt: this.#o.now() + this.#o.pollMs };
    }
  }

  async #pause(result: StepResult): Promise<void> {
    if (result.kind === 'failed') this.#o.logger?.warn({ sink: this.record.name, error: result.error }, 'sink delivery failed; will retry');
    if (result.kind === 'delivered') return new Promise((resolve) => setImmediate(resolve));
    const waitMs = result.kind === 'failed' || result.kind === 'waiting' ? result.retryAt - this.#o.now() : this.#o.pollMs;
    await this.#sleepFor(Math.max(1, waitMs));
  }

  #sleepFor(ms: number): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    return new Promise((resolve) => {
      this.#sleep = { timer: setTimeout(() => this.#endSleep(), ms), resolve };
    });
  }

  #endSleep(): void {
    const sleep = this.#sleep;
    this.#sleep = null;
    if (!sleep) return;
    clearTimeout(sleep.timer);
    sleep.resolve();
  }

  /** A sink that cannot be built (missing secret, bad settings) fails every delivery with the reason, so its state shows it. */
  async #buildSink(): Promise<OutboundSink> {
    try {
      return await this.#o.buildSink(this.record);
    } catch (error) {
      return brokenSink(describeError(error));
    }
  }
}

const brokenAccepts = (): boolean => true;

function brokenSink(reason: string): OutboundSink {
  const failed = (firstSeq: number, lastSeq: number, attempt: number): DeliveryResult => ({
    deliveredThrough: null,
    sent: 0,
    log: [{ firstSeq, lastSeq, attempt, ok: false, error: reason }],
    error: reason,
  });
  return {
    accepts: brokenAccepts,
    deliver: async (events, attempt) => failed(events[0]?.event.seq ?? 0, events.at(-1)?.event.seq ?? 0, attempt),
    takeRewind: () => null,
    close: async () => {},
  };
}
