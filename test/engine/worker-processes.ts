import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/ostiary.js', import.meta.url));
const COUNTING_WORKER = fileURLToPath(new URL('./fixtures/counting-worker.ts', import.meta.url));

/** A real `ostiary worker` process, with its log lines collected. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly output: () => string;
  /** SIGTERM, then waits for the exit; returns the exit code (or the signal name). */
  stop(): Promise<number | string>;
  /** SIGKILL without any chance to clean up, then waits for the exit. */
  kill9(): Promise<void>;
}

/** Starts `ostiary worker` on `db`, resolving once its engine has started. */
export function startWorkerProcess(db: string, dataDir: string, extraArgs: readonly string[] = []): Promise<WorkerProcess> {
  return startEngineProcess([BIN, 'worker', '--db', db, '--data-dir', dataDir, ...extraArgs]);
}

/** Starts `fixtures/counting-worker.ts` (see there), resolving once its engine has started. */
export function startCountingWorker(db: string, out: string, lockDir: string, dataDir: string, concurrency: number): Promise<WorkerProcess> {
  return startEngineProcess(['--import', 'tsx', COUNTING_WORKER, db, out, lockDir, dataDir, String(concurrency)]);
}

/** Starts a node process that logs `engine started` (pino JSON) once it is ready. */
async function startEngineProcess(args: readonly string[]): Promise<WorkerProcess> {
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, OSTIARY_LOG_LEVEL: 'info' },
  });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = once(child, 'exit');
  await waitForOutput(() => output, /"msg":"engine started"/, exited, 60_000);
  const waitExit = async (): Promise<number | string> => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode ?? child.signalCode ?? -1;
    const [code, signal] = (await exited) as [number | null, string | null];
    return code ?? signal ?? -1;
  };
  return {
    child,
    pid: child.pid ?? 0,
    output: () => output,
    stop: async () => {
      child.kill('SIGTERM');
      return waitExit();
    },
    kill9: async () => {
      child.kill('SIGKILL');
      await waitExit();
    },
  };
}

async function waitForOutput(output: () => string, pattern: RegExp, exited: Promise<unknown>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let gone = false;
  void exited.then(() => (gone = true));
  while (!pattern.test(output())) {
    if (gone) throw new Error(`worker exited before it was ready:\n${output()}`);
    if (Date.now() > deadline) throw new Error(`worker not ready after ${timeoutMs} ms:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
