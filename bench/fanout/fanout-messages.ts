import type { BenchMessage } from '../support/bench-child.js';

export interface FanoutGo extends BenchMessage {
  readonly type: 'go';
  readonly round: number;
}

/** What Ostiary's process measured for one round. */
export interface FanoutRoundResult extends BenchMessage {
  readonly type: 'result';
  readonly wallMs: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Attempts beyond one per operation (retries after a retryable failure). */
  readonly retries: number;
  /** From the submit to the last attempt's start (claim): how long claiming took. */
  readonly lastStartMs: number;
  /** Median and slowest attempt, start to end: the time inside the executor and its reporting. */
  readonly medianAttemptMs: number;
  readonly slowestAttemptMs: number;
  /** The first failure's code and (redacted) message, if any. */
  readonly firstError: string;
}

export type FanoutChildMessage = { readonly type: 'ready' } | { readonly type: 'stopped' } | FanoutRoundResult;
