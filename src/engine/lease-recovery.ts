import type { RecoveredOperation, Store } from '../store/store.js';
import type { EngineLogger } from './engine-logger.js';
import { RepeatingTask } from './repeating-task.js';

/**
 * Sweeps for leases that ran out (a worker was killed or lost its machine): the store closes
 * their attempts as `abandoned` and retries or fails the operations. Every node may sweep;
 * the store makes concurrent sweeps safe. Nothing stays "In execution" forever.
 */
export class LeaseRecovery {
  readonly #task: RepeatingTask;

  constructor(
    private readonly store: Store,
    intervalMs: number,
    private readonly logger: EngineLogger,
  ) {
    this.#task = new RepeatingTask(intervalMs, () => this.sweep().then(() => undefined));
  }

  /** Sweeps once now, then every interval. */
  start(): void {
    void this.sweep();
    this.#task.start();
  }

  stop(): Promise<void> {
    return this.#task.stop();
  }

  /** One sweep; never throws (a failed sweep is logged and retried at the next interval). */
  async sweep(): Promise<readonly RecoveredOperation[]> {
    try {
      const recovered = await this.store.operations.recoverExpiredLeases(Date.now());
      for (const item of recovered) this.logger.warn({ ...item }, 'recovered an operation whose lease expired');
      if (recovered.some((item) => item.nextStatus === 'scheduled')) await this.store.signals.notifyWork();
      return recovered;
    } catch (error) {
      this.logger.warn({ error: String(error) }, 'lease recovery sweep failed');
      return [];
    }
  }
}
