import { execFileSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';

/** Where and on what a benchmark ran: printed above every table, copied to BENCHMARKS.md. */
export interface MachineInfo {
  readonly date: string;
  readonly gitRevision: string;
  /** Uncommitted files under `src/` at the time: the figures measure the working tree, not only the commit. */
  readonly uncommittedSourceFiles: number;
  readonly cores: number;
  readonly node: string;
}

export function machineInfo(): MachineInfo {
  return Object.freeze({
    date: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    gitRevision: git(['rev-parse', '--short=12', 'HEAD']),
    uncommittedSourceFiles: git(['status', '--porcelain', '--', 'src']).split('\n').filter((line) => line.trim() !== '').length,
    cores: availableParallelism(),
    node: process.version,
  });
}

/** The 1-minute load average, as `uptime` prints it; other engineers share the machine. */
export function loadAverage(): string {
  return loadavg().map((value) => value.toFixed(2)).join(', ');
}

export function describeMachine(info: MachineInfo): string {
  const tree = info.uncommittedSourceFiles === 0 ? 'clean' : `${info.uncommittedSourceFiles} uncommitted files under src/`;
  return `${info.date} · git ${info.gitRevision} (${tree}) · ${info.cores} cores · Node ${info.node} · load average ${loadAverage()}`;
}

function git(args: readonly string[]): string {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}
