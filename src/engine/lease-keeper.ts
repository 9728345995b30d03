import type { Store } from '../store/store.js';
import type { AttemptControl } from './attempt-control.js';
import type { EngineLogger } from './engine-logger.js';
import { RepeatingTask } from './repeating-task.js';

export interface LeaseKeeperOptions {
  readonly store: Store;
  readonly operationId: string;
  readonly attemptId: string;
  readonly workerId: string;
  readonly leaseMs: number;
  readonly heartbeatMs: number;
  readonly progressMs: number;
  /** When the lease granted by the claim runs out (epoch ms). */
  readonly leaseExpiresAt: number;
  readonly control: AttemptControl;
  /** Called on every progress tick, e.g. to store the transcript so far. */
  readonly onProgress: () => Promise<void>;
  readonly logger: EngineLogger;
}

/**
 * Keeps a running attempt's lease and watches for a cancel request. Two timers:
 * - the heartbeat extends the lease; `null` means another node recovered the operation, so
 *   the attempt stops as `lease-lost`. When heartbeats fail (database unreachable) and the
 *   lease runs out locally, the attempt stops the same way: it is no longer ours.
 * - the progress tick (every `progressMs`, about a second) stores the transcript so far and
 *   reads the operation's cancel flag, so a cancel is seen within about a second even
 *   though heartbeats are further apart.
 */
export class LeaseKeeper {
  #leaseExpiresAt: number;
  readonly #heartbeat: RepeatingTask;
  readonly #progress: RepeatingTask;

  constructor(private readonly options: LeaseKeeperOptions) {
    this.#leaseExpiresAt = options.leaseExpiresAt;
    this.#heartbeat = new RepeatingTask(options.heartbeatMs, () => this.#beat());
    this.#progress = new RepeatingTask(options.progressMs, () => this.#tick());
  }

  start(): void {
    this.#heartbeat.start();
    this.#progress.start();
  }

  async stop(): Promise<void> {
    await Promise.all([this.#heartbeat.stop(), this.#progress.stop()]);
  }

  async #beat(): Promise<void> {
    const { store, operationId, attemptId, workerId, leaseMs, control } = this.options;
    try {
      const result = await store.operations.heartbeat(operationId, attemptId, workerId, leaseMs);
      if (result === null) return control.stop('lease-lost');
      this.#leaseExpiresAt = result.leaseExpiresAt;
      if (result.cancelRequested) control.stop('cancelled');
    } catch (error) {
      this.#warn(error, 'heartbeat failed');
      if (Date.now() >= this.#leaseExpiresAt) control.stop('lease-lost');
    }
  }

  async #tick(): Promise<void> {
    const { store, operationId, workerId, control } = this.options;
    await this.options.onProgress();
    try {
      const operation = await store.operations.get(operationId);
      if (!operation || operation.status !== 'running' || operation.leaseOwner !== workerId) return control.stop('lease-lost');
      if (operation.cancelRequested) control.stop('cancelled');
    } catch (error) {
      this.#warn(error, 'cancel check failed');
    }
  }

  #warn(error: unknown, message: string): void {
    // Store errors never hold plaintext secrets: the store is only ever given redacted text.
    const fields = { operationId: this.options.operationId, code: (error as { code?: unknown } | null)?.code, error: String(error) };
    this.options.logger.warn(fields, message);
  }
}
