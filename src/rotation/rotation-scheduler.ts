import type { EngineLogger } from '../engine/index.js';
import { silentLogger } from '../engine/index.js';
import { RepeatingTask } from '../engine/repeating-task.js';
import type { RotationService } from './rotation-service.js';

export interface RotationSchedulerOptions {
  readonly service: RotationService;
  /** Interval between scans for expired periods and stale rotations, in ms. @defaultValue 60000 */
  readonly intervalMs?: number;
  /** @defaultValue a logger that discards everything */
  readonly logger?: EngineLogger;
}

/**
 * The periodic side of rotation: starts the rotations whose change period ran out (within
 * their change window) and settles rotations whose operation ended without settling them.
 * Every node may run one: the per-credential lock makes concurrent scans start each rotation once.
 */
export class RotationScheduler {
  readonly #task: RepeatingTask;

  constructor(private readonly options: RotationSchedulerOptions) {
    this.#task = new RepeatingTask(options.intervalMs ?? 60_000, () => this.tick().then(() => undefined));
  }

  start(): void {
    void this.tick();
    this.#task.start();
  }

  stop(): Promise<void> {
    return this.#task.stop();
  }

  /** One scan and sweep now; never throws (a failure is logged and retried at the next interval). */
  async tick(): Promise<{ started: number; settled: number }> {
    const logger = this.options.logger ?? silentLogger;
    try {
      const settled = await this.options.service.sweep();
      const started = (await this.options.service.scanDue()).length;
      if (started + settled > 0) logger.info({ started, settled }, 'rotation scan');
      return { started, settled };
    } catch (error) {
      logger.warn({ error: String(error) }, 'rotation scan failed; retrying at the next interval');
      return { started: 0, settled: 0 };
    }
  }
}
