import { OstiaryError } from '../domain/index.js';
import type { Executor } from '../executors/executor.js';
import { ExecutorRegistry } from '../executors/executor-registry.js';
import { CompletionBatcher } from './completion-batcher.js';
import type { RecoveredOperation, Store } from '../store/store.js';
import type { EngineLogger } from './engine-logger.js';
import { silentLogger } from './engine-logger.js';
import type { EngineSettings, EngineSettingsInput } from './engine-settings.js';
import { resolveEngineSettings } from './engine-settings.js';
import { LeaseRecovery } from './lease-recovery.js';
import type { OperationRunner } from './operation-runner.js';
import type { PasswordMaskSource } from './password-masks.js';
import { pendingSecretPasswords } from './password-masks.js';
import type { SecretOpener } from './secret-opener.js';
import { Worker } from './worker.js';

/** What an engine is built from. Tuning lives in {@link EngineSettings}; all of it is optional. */
export interface EngineOptions extends EngineSettingsInput {
  readonly store: Store;
  /** The executors this engine runs; it claims only operations for these. */
  readonly executors: ExecutorRegistry | readonly Executor[];
  /** Opens sealed secrets; used only while an attempt's context is built. */
  readonly vault: SecretOpener;
  /** @defaultValue a logger that discards everything */
  readonly logger?: EngineLogger;
  /**
   * Fills `CURRENT_PASSWORD` / `NEW_PASSWORD` for `password_change` and `reconcile` operations.
   * @defaultValue {@link pendingSecretPasswords}: current secret, and the pending one created for the operation
   */
  readonly passwordMasks?: PasswordMaskSource;
  /**
   * Take over the attempts of some operation types, e.g. rotation's runner for
   * `password_change`, `reconcile` and `verify`; the first that `handles` a type wins.
   * @defaultValue none: every operation runs its template with its executor
   */
  readonly operationRunners?: readonly OperationRunner[];
  /** Run the expired-lease sweep in this engine. @defaultValue true (when `recoveryIntervalMs` > 0) */
  readonly recoverLeases?: boolean;
}

export interface StopOptions {
  /** How long running attempts may take to finish before they are handed back to the queue. @defaultValue 10000 */
  readonly drainMs?: number;
}

/**
 * The operation engine (DESIGN.md §3): a claim loop with a global concurrency limit and a
 * per-device limit, leases kept by heartbeat, whole-operation timeouts, cancellation, retries
 * by policy, and recovery of expired leases. The store and the executors are its only seams.
 */
export class Engine {
  readonly settings: EngineSettings;
  readonly #store: Store;
  readonly #worker: Worker;
  readonly #recovery: LeaseRecovery | null;
  readonly #operationRunners: readonly OperationRunner[];
  #unsubscribe: (() => Promise<void>) | null = null;
  #state: 'idle' | 'running' | 'stopped' = 'idle';

  constructor(options: EngineOptions) {
    this.settings = resolveEngineSettings(options);
    this.#store = options.store;
    const logger = options.logger ?? silentLogger;
    const executors = options.executors instanceof ExecutorRegistry ? options.executors : new ExecutorRegistry(options.executors);
    const passwordMasks = options.passwordMasks ?? pendingSecretPasswords(options.store, options.vault);
    const operationRunners = options.operationRunners ?? [];
    this.#operationRunners = operationRunners;
    const completions = new CompletionBatcher(options.store);
    this.#worker = new Worker({ store: options.store, vault: options.vault, executors, settings: this.settings, logger, passwordMasks, operationRunners, completions });
    const recover = (options.recoverLeases ?? true) && this.settings.recoveryIntervalMs > 0;
    this.#recovery = recover ? new LeaseRecovery(options.store, this.settings.recoveryIntervalMs, logger) : null;
  }

  /** Attempts running in this engine now. */
  get busy(): number {
    return this.#worker.busy;
  }

  /** Subscribes to work signals, starts claiming and sweeping. Resolves once listening. */
  async start(): Promise<void> {
    if (this.#state !== 'idle') throw new OstiaryError('OST_CONFLICT', `engine: cannot start when ${this.#state}; create a new engine`);
    this.#state = 'running';
    try {
      this.#unsubscribe = await this.#store.signals.onWork(() => this.#worker.wake());
    } catch (error) {
      this.#state = 'idle';
      throw error;
    }
    this.#recovery?.start();
    for (const runner of this.#operationRunners) runner.start?.();
    this.#worker.start();
  }

  /** Stops claiming, lets running attempts finish within `drainMs`, then hands the rest back. */
  async stop(options: StopOptions = {}): Promise<void> {
    if (this.#state !== 'running') return;
    this.#state = 'stopped';
    await this.#unsubscribe?.();
    await Promise.all([this.#worker.stop(options.drainMs ?? 10_000), this.#recovery?.stop(), ...this.#operationRunners.map((runner) => runner.stop?.())]);
  }

  /** Runs one sweep for expired leases now (tests and operators' tools use it). */
  recoverExpiredLeases(): Promise<readonly RecoveredOperation[]> {
    return this.#recovery?.sweep() ?? this.#store.operations.recoverExpiredLeases(Date.now());
  }
}
