import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const WORKER_SOURCE = fileURLToPath(new URL('./rotation-worker.ts', import.meta.url));

/** One `rotation-worker` process. */
export interface RotationWorkerProcess {
  readonly pid: number;
  readonly workerId: string;
  /** Everything it printed (pino JSON lines). */
  output(): string;
  /** Starts its engine; resolves once it claims. */
  go(): Promise<void>;
  /** SIGKILL, no chance to clean up; resolves once it is gone. */
  kill9(): Promise<void>;
}

/**
 * Rotation worker processes for the crash test, kept warm: the worker is bundled once with
 * esbuild (our sources in one file, packages from node_modules), so a process loads in well
 * under a second instead of transpiling every file, and `spares` processes wait loaded, so
 * killing one and starting the next is immediate.
 */
export class WorkerPool {
  readonly #spares: Promise<RotationWorkerProcess>[] = [];
  readonly #all = new Set<ChildProcess>();
  readonly #outputs: (() => string)[] = [];

  private constructor(
    private readonly bundle: string,
    private readonly bundleDir: string,
    private readonly args: readonly string[],
    private readonly spares: number,
  ) {}

  static async start(db: string, dataDir: string, spares = 2): Promise<WorkerPool> {
    // Inside node_modules so the bundle resolves packages from the project; .cache is never committed.
    const cache = join(ROOT, 'node_modules', '.cache');
    await mkdir(cache, { recursive: true });
    const bundleDir = await mkdtemp(join(cache, 'ostiary-rotation-worker-'));
    const bundle = join(bundleDir, 'rotation-worker.mjs');
    await build({ entryPoints: [WORKER_SOURCE], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile: bundle, logLevel: 'error' });
    const pool = new WorkerPool(bundle, bundleDir, [db, dataDir], spares);
    pool.#fill();
    return pool;
  }

  /** A loaded worker, not claiming yet; another spare starts loading in its place. */
  async next(): Promise<RotationWorkerProcess> {
    const next = this.#spares.shift() ?? this.#spawn();
    this.#fill();
    return next;
  }

  /** Everything every worker printed, for leak checks. */
  output(): string {
    return this.#outputs.map((read) => read()).join('\n');
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.#spares.splice(0));
    for (const child of this.#all) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await rm(this.bundleDir, { recursive: true, force: true });
  }

  #fill(): void {
    while (this.#spares.length < this.spares) this.#spares.push(this.#spawn());
  }

  async #spawn(): Promise<RotationWorkerProcess> {
    const child = spawn(process.execPath, [this.bundle, ...this.args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, OSTIARY_LOG_LEVEL: 'info' } });
    this.#all.add(child);
    let text = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    this.#outputs.push(() => text);
    const exited = once(child, 'exit');
    await waitFor(() => text, /"msg":"ready"/, exited);
    const workerId = /"workerId":"([^"]+)","msg":"ready"/.exec(text)?.[1] ?? '';
    return {
      pid: child.pid ?? 0,
      workerId,
      output: () => text,
      go: async () => {
        child.stdin?.write('go\n');
        await waitFor(() => text, /"msg":"engine started"/, exited);
      },
      kill9: async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGKILL');
          await exited;
        }
      },
    };
  }
}

async function waitFor(output: () => string, pattern: RegExp, exited: Promise<unknown>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 60_000;
  while (!pattern.test(output())) {
    if (gone) throw new Error(`rotation worker exited early:\n${output()}`);
    if (Date.now() > deadline) throw new Error(`rotation worker not ready:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
