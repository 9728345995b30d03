import type { BenchMessage } from '../support/bench-child.js';

/** A worker started a probe operation (or job) at `at` (epoch ms, sub-ms resolution). */
export interface ProbeStarted extends BenchMessage {
  readonly type: 'started';
  readonly id: string;
  readonly at: number;
}

/** The child has everything open and waits for `go`. */
export interface ChildReady extends BenchMessage {
  readonly type: 'ready';
}

/** The child stopped its engine (or runner) and closed its connections. */
export interface ChildStopped extends BenchMessage {
  readonly type: 'stopped';
  /** Jobs or operations this child ran. */
  readonly ran: number;
}

/** What the SQLite child measured, all in its own process. */
export interface SqliteResult extends BenchMessage {
  readonly type: 'result';
  readonly submitMs: number;
  readonly runMs: number;
  /** Bulk operations finished within the time limit. */
  readonly finished: number;
  readonly latenciesMs: readonly number[];
  readonly breakdown: string;
}

export type WorkerMessage = ProbeStarted | ChildReady | ChildStopped;
export type SqliteChildMessage = ChildReady | ChildStopped | SqliteResult;
