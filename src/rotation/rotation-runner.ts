import type { OperationRunner } from '../engine/index.js';
import type { ExecutionOutcome } from '../executors/executor.js';
import type { RotationAttempt, RotationRunnerDeps } from './rotation-attempt.js';
import { loadRotationJob } from './rotation-job.js';
import { RotationProtocol } from './rotation-protocol.js';

/** Operation types whose attempts go through rotation instead of a bare template run. */
export const ROTATION_OPERATION_TYPES: ReadonlySet<string> = new Set(['password_change', 'reconcile', 'verify']);

/**
 * Runs the attempts of rotation operations (DESIGN.md §4). The engine hands every
 * `password_change`, `reconcile` and `verify` attempt here; this takes the credential's
 * lock, runs the protocol around the template, and ends the attempt with an outcome or an
 * executor error that tells the engine whether to retry. A retry — after a failure or after
 * the worker was killed and its lease recovered — always begins with the probe, never with
 * a blind second change.
 */
export class RotationRunner implements OperationRunner {
  constructor(
    private readonly deps: RotationRunnerDeps,
    /** Started and stopped with the engine: the expiry scan and the stale-rotation sweep. */
    private readonly background: { start(): void; stop(): Promise<void> } | null = null,
  ) {}

  start(): void {
    this.background?.start();
  }

  async stop(): Promise<void> {
    await this.background?.stop();
  }

  handles(operationType: string): boolean {
    return ROTATION_OPERATION_TYPES.has(operationType);
  }

  async run(attempt: RotationAttempt): Promise<ExecutionOutcome> {
    const job = await loadRotationJob(this.deps.store, attempt);
    const protocol = new RotationProtocol(this.deps, job);
    if (job.rotation.finishedAt !== null) return protocol.alreadyFinished();
    return attempt.operation.type === 'verify' ? protocol.verify() : protocol.change();
  }
}
