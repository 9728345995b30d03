import type { Operation } from '../domain/index.js';
import type { ExecutionOutcome, Executor, TranscriptWriter } from '../executors/executor.js';

/**
 * One attempt handed to an {@link OperationRunner} instead of a bare template run: the seam
 * where rotation (DESIGN.md §4) wraps its protocol (intent, apply, verify, commit) around
 * the template. The engine still owns the lease, timeout, cancel, redaction and the report.
 */
export interface DelegatedAttempt {
  /** The operation, `running` under this worker's lease. */
  readonly operation: Operation;
  readonly attemptId: string;
  readonly workerId: string;
  /** The executor named by the operation. */
  readonly executor: Executor;
  /** Aborted on cancel, whole-operation timeout, lost lease or shutdown. */
  readonly signal: AbortSignal;
  /** The attempt's transcript; the engine redacts everything written to it. */
  readonly transcript: TranscriptWriter;
  /**
   * Runs the operation's template with its masks loaded at this moment, so a pending secret
   * stored since the attempt began fills `[#NEW_PASSWORD#]`; every secret newly in scope
   * joins the redactor first.
   */
  runTemplate(): Promise<ExecutionOutcome>;
}

/** Takes over the attempts of some operation types (rotation takes password changes, reconciles and verifies). */
export interface OperationRunner {
  handles(operationType: string): boolean;
  /** Resolves like `Executor.run`: an outcome, or an `ExecutorError` saying whether to retry. */
  run(attempt: DelegatedAttempt): Promise<ExecutionOutcome>;
  /** Starts the runner's own background work (rotation: its expiry scan and stale sweep) with the engine. */
  start?(): void;
  /** Stops it with the engine. */
  stop?(): Promise<void>;
}
