import type { ZodType } from 'zod';
import type { Credential, Device, Operation, OperationTimeouts, TemplateVersion } from '../domain/index.js';

/**
 * An executor knows one protocol: it connects, runs a template, and reports a transcript.
 * It never stores anything and never sees the vault: the engine hands it the values it needs.
 */
export interface Executor {
  /** `local`, `ssh`, `postgres`, … — also the template dialect it runs. */
  readonly name: string;
  /** Schema of executor-specific settings a device may carry (validated at the door). */
  readonly configSchema: ZodType;
  /**
   * Runs the template. Resolves when every step succeeded; otherwise throws an
   * {@link ExecutorError} saying whether the engine should retry.
   */
  run(context: ExecutionContext): Promise<ExecutionOutcome>;
  /**
   * Logs in to the device as `username` with `password`, then logs out: the rotation's
   * verify and probe steps (DESIGN.md §4). Resolves `rejected` only when the target refused
   * the password; when it cannot tell (unreachable, timeout) it throws a retryable
   * {@link ExecutorError}, so "could not check" is never read as "wrong password".
   * Executors without a login of their own (`http`) leave it out.
   */
  verifyLogin?(check: LoginCheck): Promise<LoginVerdict>;
}

/** One login to try, for {@link Executor.verifyLogin}. */
export interface LoginCheck {
  readonly device: Device;
  /** The device's settings for this executor, as in {@link ExecutionContext.executorConfig}. */
  readonly executorConfig?: unknown;
  readonly username: string;
  readonly password: string;
  /** Only `connectMs` and `readMs` apply. @defaultValue DEFAULT_TIMEOUTS */
  readonly timeouts?: OperationTimeouts;
  readonly signal?: AbortSignal;
}

export type LoginVerdict = 'accepted' | 'rejected';

/** What the engine gives an executor for one attempt. */
export interface ExecutionContext {
  readonly operation: Operation;
  readonly template: TemplateVersion;
  readonly device: Device | null;
  readonly credential: Credential | null;
  /**
   * Mask values by upper-case name (`USERNAME`, `CURRENT_PASSWORD`, task variables, …).
   * Secret values are here in plaintext; the engine redacts every one of them from whatever
   * the executor writes to `transcript` or puts in an error message.
   */
  readonly masks: Readonly<Record<string, string>>;
  /** Login material for the target (password or private key), when there is a credential. */
  readonly login: LoginMaterial | null;
  /**
   * The device's settings for this executor (e.g. `{ database: 'app', sslmode: 'verify-full' }`
   * for `postgres`), unparsed: the executor reads them with its `configSchema` and fails
   * with `OST_VALIDATION` naming the field. Absent means the executor's defaults.
   */
  readonly executorConfig?: unknown;
  readonly timeouts: OperationTimeouts;
  /** Aborted on cancel or whole-operation timeout; executors must tear the connection down. */
  readonly signal: AbortSignal;
  /** Where the executor writes what happened, as it happens. */
  readonly transcript: TranscriptWriter;
  /** Record the host key seen on first use; resolves to the pinned one. */
  pinHostKey(hostKey: string): Promise<string>;
}

export interface LoginMaterial {
  readonly username: string;
  readonly password?: string;
  readonly privateKey?: string;
  readonly passphrase?: string;
}

export interface TranscriptWriter {
  write(text: string): void;
}

export interface ExecutionOutcome {
  /** One line for reports, e.g. `4 steps, exit 0`. */
  readonly summary: string;
}

/** Tells the engine what to do with a failure: retry later, or fail for good. */
export type ExecutorErrorKind = 'retryable' | 'final';

export class ExecutorError extends Error {
  readonly kind: ExecutorErrorKind;
  /** A code from the error catalogue, e.g. `OST_EXEC_AUTH`. */
  readonly code: string;

  constructor(kind: ExecutorErrorKind, code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = kind === 'retryable' ? 'RetryableExecutorError' : 'FinalExecutorError';
    this.kind = kind;
    this.code = code;
  }
}

/** Connection refused, timeouts: the engine retries per the operation's policy. */
export class RetryableExecutorError extends ExecutorError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super('retryable', code, message, options);
  }
}

/** Authentication rejected, template error, host key mismatch: the operation fails now. */
export class FinalExecutorError extends ExecutorError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super('final', code, message, options);
  }
}
