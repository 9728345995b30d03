import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { onCleanup } from './cleanup.js';

/** Every message between a benchmark and its child processes carries a `type`. */
export interface BenchMessage {
  readonly type: string;
}

/**
 * Extra Node flags for every child, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile
 * the workers (Node refuses `--cpu-prof` in NODE_OPTIONS). Split on spaces.
 */
export const CHILD_NODE_FLAGS_ENV = 'OSTIARY_BENCH_CHILD_FLAGS';

/**
 * A child process of the benchmark (a worker, a peer), run with `node --import tsx` and an
 * IPC channel. Messages are awaited by type; ones that arrive before anyone waits are kept.
 */
export class BenchChild<Out extends BenchMessage> {
  readonly #child: ChildProcess;
  readonly #inbox: Out[] = [];
  readonly #waiters: { type: string; resolve: (message: Out) => void }[] = [];
  readonly #listeners = new Map<string, (message: Out) => void>();
  readonly #exited: Promise<number | string>;
  readonly #forget: () => Promise<void>;

  constructor(script: string, args: readonly string[]) {
    const flags = (process.env[CHILD_NODE_FLAGS_ENV] ?? '').split(' ').filter((flag) => flag !== '');
    this.#child = fork(script, [...args], { execArgv: ['--import', 'tsx', ...flags], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.#child.on('message', (message: Out) => this.#receive(message));
    this.#exited = new Promise((resolve) => this.#child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
    this.#forget = onCleanup(() => this.kill());
  }

  get pid(): number {
    return this.#child.pid ?? 0;
  }

  send<M extends BenchMessage>(message: M): void {
    this.#child.send(message);
  }

  /** Calls `listener` for every message of `type` (instead of queueing them). */
  on(type: Out['type'], listener: (message: Out) => void): void {
    this.#listeners.set(type, listener);
  }

  /** The next message of `type`; fails if the child exits first or `timeoutMs` passes. */
  next<T extends Out['type']>(type: T, timeoutMs: number): Promise<Extract<Out, { type: T }>> {
    const queued = this.#inbox.findIndex((message) => message.type === type);
    if (queued >= 0) return Promise.resolve(this.#inbox.splice(queued, 1)[0] as Extract<Out, { type: T }>);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`child ${this.pid}: no "${type}" message within ${timeoutMs} ms`)), timeoutMs);
      const waiter = { type, resolve: (message: Out) => (clearTimeout(timer), resolve(message as Extract<Out, { type: T }>)) };
      this.#waiters.push(waiter);
      void this.#exited.then((code) => (clearTimeout(timer), reject(new Error(`child ${this.pid} exited (${code}) while waiting for "${type}"`))));
    });
  }

  /** Peak resident set size so far in MB (the kernel's high-water mark, VmHWM). */
  peakRssMb(): number {
    return peakRssMbOf(this.pid);
  }

  /** Sends `stop` and waits for the exit; kills the child if it takes longer than `timeoutMs`. */
  async stop(timeoutMs = 15_000): Promise<number | string> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return this.#exited;
    if (this.#child.connected) this.send({ type: 'stop' });
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), timeoutMs);
    const code = await this.#exited;
    clearTimeout(timer);
    await this.#forget();
    return code;
  }

  async kill(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGKILL');
    await this.#exited;
  }

  #receive(message: Out): void {
    const listener = this.#listeners.get(message.type);
    if (listener) return listener(message);
    const index = this.#waiters.findIndex((waiter) => waiter.type === message.type);
    if (index < 0) return void this.#inbox.push(message);
    this.#waiters.splice(index, 1)[0]?.resolve(message);
  }
}

/** VmHWM of a live process in MB; 0 when it is gone. */
export function peakRssMbOf(pid: number): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** In a child: calls `handler` for each message from the benchmark; exits when the benchmark goes away. */
export function onParentMessage(handler: (message: BenchMessage) => void): void {
  process.on('message', (message: BenchMessage) => handler(message));
  // The benchmark died (or was killed): nothing would ever stop this process otherwise.
  process.on('disconnect', () => process.exit(1));
}

/** Resolves once the message is handed to the channel, so a child may exit right after. */
export function sendToParent<M extends BenchMessage>(message: M): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send) return reject(new Error('not started by a benchmark: no IPC channel'));
    process.send(message, undefined, {}, (error) => (error ? reject(error) : resolve()));
  });
}
