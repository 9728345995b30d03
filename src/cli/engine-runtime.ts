import { Engine } from '../engine/index.js';
import type { EngineSettingsInput } from '../engine/index.js';
import type { Store } from '../store/store.js';
import { RotationRunner, RotationScheduler, RotationService } from '../rotation/index.js';
import { schedulerRunner } from '../taskmanager/scheduler-runner.js';
import type { RotationOutcomeCounter } from '../rotation/index.js';
import { openVault } from '../vault/vault.js';
import type { Vault } from '../vault/vault.js';
import type { Logger } from 'pino';
import type { OstiaryConfig } from './config.js';
import { defaultExecutors } from './executor-set.js';

/** Engine flags shared by `start` and `worker`. */
export interface EngineFlags {
  readonly concurrency?: number;
  readonly perDeviceLimit?: number;
  readonly leaseMs?: number;
}

/**
 * Rotation (DESIGN.md §4) runs the engine's password change, reconcile and verify attempts,
 * and its expiry scan and stale-rotation sweep start and stop with the engine.
 */
function rotationRunner(store: Store, vault: Vault, logger: Logger, outcomes: RotationOutcomeCounter | undefined): RotationRunner {
  const scheduler = new RotationScheduler({ service: new RotationService({ store }), logger });
  return new RotationRunner({ store, vault, logger, outcomes }, scheduler);
}

/** The metrics the engine feeds (structurally `OstiaryMetrics`; its store is instrumented by the caller). */
export interface EngineMetrics {
  /** `ostiary_rotations_total`, counted by the rotation runner. */
  readonly rotations: RotationOutcomeCounter;
}

/** Opens the vault (its key file is created on first start) and starts an engine on the store. */
export async function startEngine(config: OstiaryConfig, store: Store, flags: EngineFlags, logger: Logger, metrics?: EngineMetrics): Promise<Engine> {
  const vault = await openVault({ dataDir: config.dataDir, masterKey: config.masterKey });
  const settings: EngineSettingsInput = {
    ...(flags.concurrency === undefined ? {} : { concurrency: flags.concurrency }),
    ...(flags.perDeviceLimit === undefined ? {} : { perDeviceLimit: flags.perDeviceLimit }),
    ...(flags.leaseMs === undefined ? {} : { leaseMs: flags.leaseMs }),
  };
  const engine = new Engine({
    ...settings, store, vault, executors: await defaultExecutors(), logger: logger.child({ component: 'engine' }),
    operationRunners: [rotationRunner(store, vault, logger.child({ component: 'rotation' }), metrics?.rotations), schedulerRunner(store, logger.child({ component: 'task-scheduler' }))],
  });
  await engine.start();
  logger.info({ workerId: engine.settings.workerId, concurrency: engine.settings.concurrency, perDeviceLimit: engine.settings.perDeviceLimit }, 'engine started');
  return engine;
}
