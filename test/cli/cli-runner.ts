import { execFile, spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/ostiary.js', import.meta.url));

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node bin/ostiary.js …` as a real process and collects its output and exit code. */
export function runOstiary(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A long-running `ostiary …` process (start, worker) with its output collected. */
export interface OstiaryProcess {
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  /** stdout and stderr so far, in the order they arrived. */
  output(): string;
  /** Exit code and signal, once it has exited. */
  readonly exited: Promise<[number | null, NodeJS.Signals | null]>;
  /** Waits (≤ 60 s) until the output holds `text`, or the process has exited. */
  waitFor(text: string): Promise<void>;
  /** SIGKILL if it still runs: for `finally` blocks. */
  killIfRunning(): void;
}

export function startOstiary(args: readonly string[], env: NodeJS.ProcessEnv = {}): OstiaryProcess {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  return {
    child,
    output: () => output,
    exited,
    waitFor: async (text) => {
      for (let i = 0; i < 1200 && !output.includes(text) && running(); i += 1) await sleep(50);
    },
    killIfRunning: () => void (running() && child.kill('SIGKILL')),
  };
}
