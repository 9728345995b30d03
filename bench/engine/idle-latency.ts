import { setTimeout as sleep } from 'node:timers/promises';
import { preciseNow } from '../support/precise-clock.js';

/** Start times of probes as workers report them; a report may arrive before anyone waits for it. */
export class StartWatch {
  readonly #arrived = new Map<string, number>();
  readonly #waiting = new Map<string, (at: number) => void>();

  record(id: string, at: number): void {
    const waiter = this.#waiting.get(id);
    if (!waiter) return void this.#arrived.set(id, at);
    this.#waiting.delete(id);
    waiter(at);
  }

  /** When the probe `id` started; fails after `timeoutMs`. */
  startOf(id: string, timeoutMs: number): Promise<number> {
    const at = this.#arrived.get(id);
    if (at !== undefined) return Promise.resolve(at);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => (this.#waiting.delete(id), reject(new Error(`probe ${id} did not start within ${timeoutMs} ms`))), timeoutMs);
      this.#waiting.set(id, (started) => (clearTimeout(timer), resolve(started)));
    });
  }
}

export interface IdleLatencyOptions {
  /** Probes measured (after the warm-up ones). */
  readonly samples: number;
  /** Probes run first and not counted: the first claims of a process pay for JIT and prepared statements. */
  readonly warmUp: number;
  /** Pause after a probe started, so the queue is idle when the next one is submitted. */
  readonly gapMs: number;
  /** Submits one probe and resolves with its id. */
  submit(): Promise<string>;
  readonly watch: StartWatch;
}

/** One probe: its id, and epoch ms just before the submit call and when the worker started it. */
export interface IdleSample {
  readonly id: string;
  readonly submittedAt: number;
  readonly startedAt: number;
}

/**
 * Submit→start latency on an idle queue: one probe at a time, each submitted only after the
 * previous one started and a pause passed; the time from just before the submit call to the
 * moment the worker called the executor (or the job's task handler).
 */
export async function measureIdleLatency(options: IdleLatencyOptions): Promise<IdleSample[]> {
  const samples: IdleSample[] = [];
  for (let index = 0; index < options.warmUp + options.samples; index += 1) {
    const submittedAt = preciseNow();
    const id = await options.submit();
    const startedAt = await options.watch.startOf(id, 30_000);
    if (index >= options.warmUp) samples.push({ id, submittedAt, startedAt });
    await sleep(options.gapMs + Math.random() * options.gapMs);
  }
  return samples;
}

export function latenciesOf(samples: readonly IdleSample[]): number[] {
  return samples.map((sample) => sample.startedAt - sample.submittedAt);
}

/** How a timed run ended: when the last job finished, or when the time limit stopped the wait. */
export interface RunEnd {
  /** Epoch ms (sub-ms resolution). */
  readonly endedAt: number;
  /** Jobs finished by then; below the expected count when the limit was reached. */
  readonly finished: number;
}

/** Polls `countFinished` until it reaches `expected`, or until `limitMs` passed (the run is then partial). */
export async function waitForJobs(countFinished: () => Promise<number>, expected: number, limitMs: number, pollMs = 25): Promise<RunEnd> {
  const deadline = preciseNow() + limitMs;
  for (;;) {
    const finished = await countFinished();
    const now = preciseNow();
    if (finished >= expected || now > deadline) return { endedAt: now, finished };
    await sleep(pollMs);
  }
}

/** Like {@link waitForJobs}, but not finishing within `limitMs` is an error. */
export async function waitUntilFinished(countFinished: () => Promise<number>, expected: number, limitMs: number, pollMs = 25): Promise<number> {
  const end = await waitForJobs(countFinished, expected, limitMs, pollMs);
  if (end.finished < expected) throw new Error(`only ${end.finished} of ${expected} finished within ${limitMs} ms`);
  return end.endedAt;
}
