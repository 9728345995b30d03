import { BenchChild } from '../support/bench-child.js';
import type { WorkerMessage } from './engine-messages.js';
import { StartWatch } from './idle-latency.js';

/** What a fleet did, once stopped. */
export interface FleetOutcome<T> {
  readonly value: T;
  /** The largest peak RSS of any worker process, in MB. */
  readonly peakRssMb: number;
  /** Jobs the workers ran, all together. */
  readonly ran: number;
}

/** Worker processes of one phase of a scenario (Ostiary's or graphile-worker's), driven alike. */
export class WorkerFleet {
  readonly watch = new StartWatch();
  readonly #children: BenchChild<WorkerMessage>[];

  private constructor(children: BenchChild<WorkerMessage>[]) {
    this.#children = children;
    for (const child of children) child.on('started', (message) => message.type === 'started' && this.watch.record(message.id, message.at));
  }

  /**
   * Starts `count` children of `script`, waits until every one is ready, runs `work` (which
   * sends `go` when it wants), then stops them all gracefully, whatever happened.
   */
  static async run<T>(count: number, script: string, args: readonly string[], work: (fleet: WorkerFleet) => Promise<T>): Promise<FleetOutcome<T>> {
    const fleet = new WorkerFleet(Array.from({ length: count }, () => new BenchChild<WorkerMessage>(script, args)));
    try {
      await Promise.all(fleet.#children.map((child) => child.next('ready', 120_000)));
      const value = await work(fleet);
      const peakRssMb = Math.max(...fleet.#children.map((child) => child.peakRssMb()));
      return { value, peakRssMb, ran: await fleet.#stop() };
    } finally {
      await Promise.all(fleet.#children.map((child) => child.kill()));
    }
  }

  go(): void {
    for (const child of this.#children) child.send({ type: 'go' });
  }

  /** Stops every worker gracefully; resolves with the total of jobs they ran. */
  async #stop(): Promise<number> {
    const stopped = Promise.all(this.#children.map((child) => child.next('stopped', 60_000)));
    await Promise.all(this.#children.map((child) => child.stop(60_000)));
    return (await stopped).reduce((sum, message) => sum + message.ran, 0);
  }
}
