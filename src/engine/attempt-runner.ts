import { setTimeout as sleep } from 'node:timers/promises';
import { isOstiaryError } from '../domain/index.js';
import type { Executor } from '../executors/executor.js';
import type { ExecutorRegistry } from '../executors/executor-registry.js';
import type { AttemptResult, Claim } from '../store/store.js';
import { createRedactor } from '../vault/redactor.js';
import type { Redactor } from '../vault/redactor.js';
import { AttemptControl } from './attempt-control.js';
import type { CompletionBatcher } from './completion-batcher.js';
import type { EngineLogger } from './engine-logger.js';
import type { EngineSettings } from './engine-settings.js';
import { createExecutionContext, loadExecutionInputs } from './execution-context.js';
import type { ExecutionContextDeps, ExecutionInputs } from './execution-context.js';
import { LeaseKeeper } from './lease-keeper.js';
import type { DelegatedAttempt, OperationRunner } from './operation-runner.js';
import { classifyOutcome } from './outcome-classifier.js';
import type { AttemptEnding } from './outcome-classifier.js';
import { TranscriptSink } from './transcript-sink.js';

export interface AttemptRunnerDeps extends ExecutionContextDeps {
  /** Reports attempts; shared by the worker's runners so reports are written in batches. */
  readonly completions: CompletionBatcher;
  readonly executors: ExecutorRegistry;
  readonly operationRunners: readonly OperationRunner[];
  readonly settings: EngineSettings;
  readonly logger: EngineLogger;
}

/** Placeholder ending for an executor that was stopped before it ran or did not return; a stop reason replaces it. */
const NOT_RUN: AttemptEnding = Object.freeze({ kind: 'error', error: new Error('the executor did not finish') });

/** How often reporting an attempt is tried when the store fails, and the pause between tries. */
const COMPLETE_TRIES = 3;
const COMPLETE_RETRY_MS = 500;

/** What the run phase leaves for the report phase. */
interface RunState {
  redactor: Redactor;
  sink: TranscriptSink | null;
  /** Every secret seen in scope so far; it only grows. */
  readonly secrets: Set<string>;
}

/**
 * Runs one claimed attempt: builds the execution context, runs the executor under an abort
 * signal with the whole-operation timeout, keeps the lease, and reports the outcome. The
 * executor is never trusted to redact: its transcript goes through a streaming redactor that
 * knows every secret in scope, and every message is redacted before it is stored or logged.
 */
export class AttemptRunner {
  readonly #control = new AttemptControl();

  constructor(
    private readonly deps: AttemptRunnerDeps,
    private readonly claim: Claim,
  ) {}

  /** The engine is stopping and its drain time ran out: the attempt goes back to the queue. */
  shutdown(): void {
    this.#control.stop('shutdown');
  }

  async run(): Promise<void> {
    const state: RunState = { redactor: createRedactor([]), sink: null, secrets: new Set() };
    const keeper = this.#leaseKeeper(state);
    const timeout = setTimeout(() => this.#control.stop('timeout'), this.claim.operation.timeouts.totalMs);
    keeper.start();
    let ending: AttemptEnding | null;
    try {
      ending = await this.#execute(state);
    } finally {
      clearTimeout(timeout);
      await keeper.stop();
    }
    await this.#report(ending, state);
  }

  /** `null` when the lease was lost: another node owns the operation now. */
  async #execute(state: RunState): Promise<AttemptEnding | null> {
    let ending: AttemptEnding;
    try {
      ending = await this.#runExecutor(state);
    } catch (error) {
      ending = { kind: 'error', error };
    }
    return this.#applyStop(ending);
  }

  /**
   * A stop request explains any failure that follows it; an executor that finished its work
   * anyway succeeded. A lost lease wins over everything: this worker must not report.
   */
  #applyStop(ending: AttemptEnding): AttemptEnding | null {
    const reason = this.#control.reason;
    if (reason === 'lease-lost') return null;
    if (reason === null || ending.kind === 'succeeded') return ending;
    return { kind: 'stopped', reason };
  }

  async #runExecutor(state: RunState): Promise<AttemptEnding> {
    const { operation } = this.claim;
    const executor = this.deps.executors.get(operation.executor);
    const inputs = await this.#loadInputs(state);
    if (this.#control.reason) return NOT_RUN;
    const runner = this.deps.operationRunners.find((candidate) => candidate.handles(operation.type));
    const run = runner
      ? runner.run(this.#delegated(executor, state))
      : executor.run(createExecutionContext(this.deps.store, operation, inputs, this.#control.signal, this.#sinkOf(state)));
    const outcome = await this.#untilSettledOrGrace(run);
    // `null` only comes after a stop request, which #applyStop turns into the ending.
    return outcome === null ? NOT_RUN : { kind: 'succeeded', summary: outcome.summary };
  }

  /** Loads the execution inputs; the redactor learns every secret in them before anything runs. */
  async #loadInputs(state: RunState): Promise<ExecutionInputs> {
    const inputs = await loadExecutionInputs(this.deps, this.claim.operation);
    const known = state.secrets.size;
    for (const secret of inputs.secrets) state.secrets.add(secret);
    if (state.sink && state.secrets.size === known) return inputs;
    state.redactor = createRedactor([...state.secrets]);
    if (state.sink) state.sink.useRedactor(state.redactor.stream());
    else state.sink = this.#sink(state.redactor);
    return inputs;
  }

  #delegated(executor: Executor, state: RunState): DelegatedAttempt {
    const { operation, attempt } = this.claim;
    const signal = this.#control.signal;
    return Object.freeze({
      operation, executor, signal,
      attemptId: attempt.id,
      workerId: this.deps.settings.workerId,
      transcript: this.#sinkOf(state),
      runTemplate: async () => {
        const inputs = await this.#loadInputs(state);
        return executor.run(createExecutionContext(this.deps.store, operation, inputs, signal, this.#sinkOf(state)));
      },
    });
  }

  #sinkOf(state: RunState): TranscriptSink {
    if (!state.sink) throw new Error('the transcript sink exists once inputs are loaded');
    return state.sink;
  }

  /** The executor's result, or `null` when it was told to stop and did not return within the grace time. */
  async #untilSettledOrGrace<T>(run: Promise<T>): Promise<T | null> {
    const { signal } = this.#control;
    let onAbort = (): void => undefined;
    const graceAfterStop = new Promise<null>((resolve) => {
      onAbort = () => void setTimeout(() => resolve(null), this.deps.settings.stopGraceMs).unref();
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([run, graceAfterStop]);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  async #report(ending: AttemptEnding | null, state: RunState): Promise<void> {
    const { operation, attempt } = this.claim;
    if (ending === null) {
      await state.sink?.drain();
      this.#log('warn', { reason: 'lease-lost' }, 'attempt stopped: the lease was lost; the operation is not reported by this worker');
      return;
    }
    const result = this.#redactResult(classifyOutcome(ending, operation, attempt.number, Date.now()), state.redactor);
    const tail = (await state.sink?.drain()) ?? '';
    const note = result.nextStatus === 'succeeded' ? '' : `[ostiary] ${result.errorCode ?? ''}: ${result.message ?? ''}\n`;
    const transcriptTail = tail.length === 0 || tail.endsWith('\n') || note === '' ? tail + note : `${tail}\n${note}`;
    await this.#complete({ ...result, transcriptTail });
    if (ending.kind === 'error' && result.errorCode === 'OST_INTERNAL') this.#logInternal(ending.error, state.redactor);
  }

  /**
   * Reports the attempt. A store failure is retried a few times: giving up leaves the lease to
   * run out, and recovery would then retry an attempt that in fact finished.
   */
  async #complete(result: AttemptResult): Promise<void> {
    const { operation, attempt } = this.claim;
    const fields = { outcome: result.outcome, nextStatus: result.nextStatus, errorCode: result.errorCode ?? null };
    for (let tries = 1; ; tries += 1) {
      try {
        await this.deps.completions.complete(operation.id, attempt.id, this.deps.settings.workerId, result);
        return this.#log('info', fields, 'attempt finished');
      } catch (error) {
        if (isOstiaryError(error) && error.code === 'OST_LEASE_LOST') return this.#log('warn', fields, 'lease lost before the attempt was reported');
        if (tries >= COMPLETE_TRIES) return this.#log('error', { ...fields, error: String(error) }, 'could not report the attempt');
        await sleep(COMPLETE_RETRY_MS * tries);
      }
    }
  }

  #redactResult(result: AttemptResult, redactor: Redactor): AttemptResult {
    return { ...result, message: result.message == null ? null : redactor.redact(result.message) };
  }

  #logInternal(error: unknown, redactor: Redactor): void {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    this.#log('error', { error: redactor.redact(text) }, 'unexpected error while running an operation');
  }

  #sink(redactor: Redactor): TranscriptSink {
    const { store, settings } = this.deps;
    const append = (text: string) => store.operations.appendTranscript(this.claim.attempt.id, settings.workerId, text);
    return new TranscriptSink(redactor.stream(), append, (error) => this.#log('warn', { error: String(error) }, 'could not store transcript'));
  }

  #leaseKeeper(state: RunState): LeaseKeeper {
    const { store, settings, logger } = this.deps;
    const { operation, attempt } = this.claim;
    return new LeaseKeeper({
      store, logger, control: this.#control,
      operationId: operation.id, attemptId: attempt.id, workerId: settings.workerId,
      leaseMs: settings.leaseMs, heartbeatMs: settings.heartbeatMs, progressMs: settings.progressMs,
      leaseExpiresAt: operation.leaseExpiresAt ?? Date.now() + settings.leaseMs,
      onProgress: async () => void (await state.sink?.flush()),
    });
  }

  #log(level: 'info' | 'warn' | 'error', fields: object, message: string): void {
    const { operation, attempt } = this.claim;
    this.deps.logger[level]({ operationId: operation.id, attemptId: attempt.id, attempt: attempt.number, ...fields }, message);
  }
}
