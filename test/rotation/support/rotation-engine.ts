import type { Operation } from '../../../src/domain/index.js';
import { Engine } from '../../../src/engine/index.js';
import type { Executor } from '../../../src/executors/executor.js';
import { RotationRunner, RotationService } from '../../../src/rotation/index.js';
import type { RotationRunnerDeps } from '../../../src/rotation/index.js';
import type { Store } from '../../../src/store/store.js';
import type { Vault } from '../../../src/vault/index.js';
import { FAST_SETTINGS, MemoryLogger, waitForStatus } from '../../engine/engine-harness.js';
import { TEST_OPERATIONS } from './rotation-fixtures.js';

/** A real engine whose rotation operations go through the rotation runner, as `ostiary start` wires it. */
export interface RotationEngine {
  readonly engine: Engine;
  readonly service: RotationService;
  /** Everything the engine and rotation logged, one JSON line each. */
  readonly logger: MemoryLogger;
  /** Requests a manual rotation and waits until its operation ends. */
  rotate(credentialId: string): Promise<Operation>;
  /** Waits until the operation is terminal. */
  settled(operationId: string): Promise<Operation>;
  stop(): Promise<void>;
}

export async function startRotationEngine(store: Store, vault: Vault, executors: readonly Executor[], runner: Partial<RotationRunnerDeps> = {}): Promise<RotationEngine> {
  const logger = new MemoryLogger();
  const rotation = new RotationRunner({ store, vault, operations: TEST_OPERATIONS, logger, ...runner });
  const engine = new Engine({ ...FAST_SETTINGS, perDeviceLimit: 4, store, vault, executors, operationRunners: [rotation], logger });
  await engine.start();
  const service = new RotationService({ store, operations: TEST_OPERATIONS });
  const settled = (operationId: string) => waitForStatus(store, operationId, ['succeeded', 'failed', 'cancelled', 'expired'], 60_000);
  return {
    engine, service, logger, settled,
    rotate: async (credentialId) => settled((await service.rotate(credentialId, { requester: 'test' })).operation.id),
    stop: () => engine.stop({ drainMs: 5_000 }),
  };
}
