import { spawn } from 'node:child_process';

/** How a finished child process ended, with everything it printed. */
export interface ProcessResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunProcessOptions {
  /** Written to the child's stdin, which is then closed. Secrets travel here, never in argv. */
  readonly input?: string;
  /** @defaultValue 30000 */
  readonly timeoutMs?: number;
}

/** Runs a command to completion; never throws for a non-zero exit (callers decide). */
export function runProcess(command: string, args: readonly string[], options: RunProcessOptions = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], timeout: options.timeoutMs ?? 30_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.on('error', () => undefined); // a child that exits without reading stdin is not our failure
    child.stdin.end(options.input ?? '');
  });
}

/** Like {@link runProcess}, but a non-zero exit is an error that quotes stderr. */
export async function runChecked(command: string, args: readonly string[], options: RunProcessOptions = {}): Promise<ProcessResult> {
  const result = await runProcess(command, args, options);
  if (result.code === 0) return result;
  const how = result.signal ? `signal ${result.signal}` : `exit ${result.code}`;
  throw new Error(`${command} failed (${how}): ${result.stderr.trim() || result.stdout.trim()}`);
}

/**
 * Runs `work` over `items` with at most `limit` running at once, keeping the order of results.
 * After a failure no new item starts, and the error is thrown only once every running item
 * has settled, so the caller's cleanup sees everything that was started.
 */
export async function mapWithLimit<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  const failures: unknown[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length && failures.length === 0) {
      const index = next++;
      try {
        results[index] = await work(items[index] as T, index);
      } catch (error) {
        failures.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  if (failures.length > 0) throw failures[0];
  return results;
}
