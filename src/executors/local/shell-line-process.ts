import { spawn } from 'node:child_process';
import type { TranscriptWriter } from '../executor.js';

/** How a line's shell ended. */
export type LineExit =
  | { readonly kind: 'exited'; readonly status: number }
  | { readonly kind: 'signalled'; readonly signal: string }
  | { readonly kind: 'aborted' }
  | { readonly kind: 'spawn-failed'; readonly error: Error };

export interface ShellLineOptions {
  readonly shell: string;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly signal: AbortSignal;
  readonly transcript: TranscriptWriter;
  /** After the shell exits, how long to wait for its output pipes to close. */
  readonly drainMs: number;
}

/**
 * Runs one line in its own `sh`. The line is written to the shell's stdin, never passed in
 * argv, so values filled into it never show in `ps`. The shell leads its own process group:
 * an abort kills the whole group (the shell and everything it started) with SIGKILL.
 */
export function runShellLine(line: string, options: ShellLineOptions): Promise<LineExit> {
  return new Promise((resolve) => {
    if (options.signal.aborted) return resolve({ kind: 'aborted' });
    const child = spawn(options.shell, [], { cwd: options.cwd, env: options.env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    const killGroup = (): void => killProcessGroup(child.pid);
    options.signal.addEventListener('abort', killGroup, { once: true });
    const settle = (exit: LineExit): void => {
      options.signal.removeEventListener('abort', killGroup);
      resolve(options.signal.aborted ? { kind: 'aborted' } : exit);
    };
    child.on('error', (error) => settle({ kind: 'spawn-failed', error }));
    for (const stream of [child.stdout, child.stderr]) {
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => options.transcript.write(chunk));
    }
    child.stdin.on('error', () => undefined); // the shell may exit before reading all of stdin
    child.stdin.end(`${line}\n`);
    child.on('exit', (status, signal) => {
      const exit: LineExit = signal ? { kind: 'signalled', signal } : { kind: 'exited', status: status ?? 1 };
      void waitForOutput(child, options.drainMs).then(() => settle(exit));
    });
  });
}

/**
 * Output still in the pipes arrives after `exit`; `close` says it all arrived. A process the
 * line left running in the background may hold the pipes open: stop waiting after `drainMs`.
 */
function waitForOutput(child: ReturnType<typeof spawn>, drainMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (child.stdout?.closed && child.stderr?.closed) return resolve();
    const timer = setTimeout(() => {
      child.stdout?.destroy();
      child.stderr?.destroy();
      resolve();
    }, drainMs);
    child.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function killProcessGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: the group is gone already.
  }
}
