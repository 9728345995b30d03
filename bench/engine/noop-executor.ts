import { z } from 'zod';
import { preciseNow } from '../support/precise-clock.js';
import type { ExecutionContext, ExecutionOutcome, Executor } from '../../src/executors/executor.js';

/** The executor name no-op operations are submitted for. */
export const NOOP_EXECUTOR = 'noop';

/** The variable that marks an operation whose start is timed (idle latency probes). */
export const PROBE_VARIABLE = 'PROBE';

/**
 * Registered only by the benchmark: does nothing and returns, so what is measured is the
 * engine's own path (claim, load inputs, lease, transcript, complete) and the store, not a
 * protocol. Calls `onProbeStart` with the time it was called for probe operations.
 */
export class NoopExecutor implements Executor {
  readonly name = NOOP_EXECUTOR;
  readonly configSchema = z.object({}).strict();
  /** Operations this executor ran. */
  ran = 0;

  constructor(private readonly onProbeStart: (operationId: string, startedAt: number) => void = () => undefined) {}

  async run(context: ExecutionContext): Promise<ExecutionOutcome> {
    this.ran += 1;
    if (context.operation.variables[PROBE_VARIABLE] === '1') this.onProbeStart(context.operation.id, preciseNow());
    return { summary: 'no-op' };
  }
}
