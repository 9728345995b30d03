import { setTimeout as delay } from 'node:timers/promises';
import type { Argument } from '../../templates/ast.js';
import { renderArgument } from '../../templates/masks.js';
import type { MaskValues } from '../../templates/masks.js';
import { quoteForMessage } from '../../templates/parse-result.js';
import { NEW_LINE_SEQUENCES, visitSshStep } from '../../templates/ssh/ssh-program.js';
import type { SshStep, SshStepVisitor } from '../../templates/ssh/ssh-program.js';
import { ExecutorError, FinalExecutorError } from '../executor.js';
import { ExpectTimeoutError } from './expect-buffer.js';
import type { ExpectBuffer } from './expect-buffer.js';
import { globPattern, literalPattern, regexPattern } from './output-patterns.js';
import type { SessionTranscript } from './session-transcript.js';
import { sessionFailure, stoppedError } from './ssh-errors.js';

/** What the steps of one session work with. */
export interface StepRunnerDeps {
  /** The shell channel; text written here reaches the target. */
  readonly send: (text: string) => void;
  readonly buffer: ExpectBuffer;
  /** Real mask values, for what is sent and matched. */
  readonly masks: MaskValues;
  /** Mask values for transcripts and messages: secret masks stay `[#NAME#]`. */
  readonly displayMasks: MaskValues;
  readonly transcript: SessionTranscript;
  /** Until a `set-read-timeout`. */
  readonly readTimeoutMs: number;
  readonly signal: AbortSignal;
  /** Removes secrets from output quoted in an error message. */
  readonly redact: (text: string) => string;
}

/** Runs the steps of an SSH program, in order, on an open shell. */
export class StepRunner {
  #lineEnding = NEW_LINE_SEQUENCES.unix;
  #readTimeoutMs: number;
  #sentAnything = false;
  #ended = false;
  readonly #visitor: SshStepVisitor<Promise<void> | void>;

  constructor(private readonly deps: StepRunnerDeps) {
    this.#readTimeoutMs = deps.readTimeoutMs;
    this.#visitor = this.#createVisitor();
  }

  /** Whether any text reached the target: from then on, failures are not retried. */
  get sentAnything(): boolean {
    return this.#sentAnything;
  }

  /** Runs every step up to `end`; resolves to the number of steps run. */
  async run(steps: readonly SshStep[]): Promise<number> {
    let count = 0;
    for (const step of steps) {
      if (this.#ended) break;
      if (this.deps.signal.aborted) throw stoppedError(this.deps.signal);
      await this.#runStep(step);
      count += 1;
    }
    return count;
  }

  async #runStep(step: SshStep): Promise<void> {
    try {
      await visitSshStep(step, this.#visitor);
    } catch (error) {
      if (error instanceof ExecutorError) throw error;
      // Not expected (a pattern that does not compile, a channel that refuses writes); the
      // message names the step, and the cause is kept for the worker log.
      const why = error instanceof Error ? error.message : String(error);
      throw new FinalExecutorError('OST_EXEC_STEP_FAILED', `line ${step.loc.line}: ${step.kind} failed: ${why}`, { cause: error });
    }
  }

  #createVisitor(): SshStepVisitor<Promise<void> | void> {
    const { masks } = this.deps;
    return {
      // Applied before connecting (see ssh-executor.ts); SSH 2 is all there is.
      'set-connect-timeout': () => undefined,
      'set-ssh-version': () => undefined,
      'set-read-timeout': (step) => void (this.#readTimeoutMs = step.seconds * 1000),
      'set-new-line-mode': (step) => void (this.#lineEnding = NEW_LINE_SEQUENCES[step.mode]),
      exec: (step) => this.#send(step, step.text, this.#lineEnding),
      write: (step) => this.#send(step, step.text, ''),
      expect: (step) => this.#wait(step, step.pattern, globPattern(step.pattern, masks)),
      read: (step) => this.#wait(step, step.text, literalPattern(step.text, masks)),
      'expect-regex': (step) => this.#wait(step, step.pattern, regexPattern(step.pattern, step.flags, masks)),
      'no-expect': (step) => this.#refuse(step, step.pattern, globPattern(step.pattern, masks)),
      sleep: (step) => this.#sleep(step.seconds),
      end: () => void (this.#ended = true),
    };
  }

  #send(step: SshStep, text: Argument, lineEnding: string): void {
    this.deps.transcript.note(`line ${step.loc.line} ${step.kind}: ${renderArgument(text, this.deps.displayMasks)}`);
    // Output from here on answers this send: that is what `no-expect` looks at.
    this.deps.buffer.markSent();
    this.deps.send(renderArgument(text, this.deps.masks) + lineEnding);
    this.#sentAnything = true;
  }

  async #wait(step: SshStep, argument: Argument, pattern: RegExp): Promise<void> {
    try {
      await this.deps.buffer.waitFor(pattern, this.#readTimeoutMs);
    } catch (error) {
      throw this.#waitFailure(step, argument, error);
    }
  }

  #waitFailure(step: SshStep, argument: Argument, error: unknown): ExecutorError {
    if (this.deps.signal.aborted) return stoppedError(this.deps.signal);
    const what = `line ${step.loc.line}: ${step.kind} ${this.#quote(argument)}`;
    if (error instanceof ExpectTimeoutError) {
      return sessionFailure('OST_EXEC_TIMEOUT', `${what} saw no match within ${this.#readTimeoutMs / 1000} s; last output: ${this.#tail()}`, this.#sentAnything, error);
    }
    const why = error instanceof Error ? error.message : String(error);
    return sessionFailure('OST_EXEC_CONNECT', `${what} was waiting when ${why}; last output: ${this.#tail()}`, this.#sentAnything, error);
  }

  #refuse(step: SshStep, argument: Argument, pattern: RegExp): void {
    if (!this.deps.buffer.seenSinceSend(pattern)) return;
    const message = `line ${step.loc.line}: no-expect ${this.#quote(argument)} found the pattern in the output; last output: ${this.#tail()}`;
    throw new FinalExecutorError('OST_EXEC_STEP_FAILED', message);
  }

  async #sleep(seconds: number): Promise<void> {
    try {
      await delay(seconds * 1000, undefined, { signal: this.deps.signal });
    } catch (error) {
      if (this.deps.signal.aborted) throw stoppedError(this.deps.signal);
      throw error;
    }
  }

  #quote(argument: Argument): string {
    return quoteForMessage(renderArgument(argument, this.deps.displayMasks), 80);
  }

  #tail(): string {
    return JSON.stringify(this.deps.redact(this.deps.buffer.tail()));
  }
}
