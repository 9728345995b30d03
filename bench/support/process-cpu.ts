import { readdirSync, readFileSync } from 'node:fs';

/** Kernel clock ticks per second (`getconf CLK_TCK`), 100 on every Linux this runs on. */
const CLOCK_TICKS = 100;

/** CPU time of a live process, in seconds. */
export interface ProcessCpu {
  /** utime + stime: its own threads. */
  readonly own: number;
  /** cutime + cstime: its children that ended and were waited for (and theirs, recursively). */
  readonly children: number;
}

/** From `/proc/<pid>/stat`; zeros once the process is gone. */
export function processCpu(pid: number | 'self'): ProcessCpu {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may hold spaces) start at field 3, `state`.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
    const [utime = 0, stime = 0, cutime = 0, cstime = 0] = fields.slice(11, 15);
    return { own: (utime + stime) / CLOCK_TICKS, children: (cutime + cstime) / CLOCK_TICKS };
  } catch {
    return { own: 0, children: 0 };
  }
}

/** Pids of live processes whose command line contains every one of `parts`. */
export function pidsWithCommandLine(...parts: readonly string[]): number[] {
  return readdirSync('/proc').flatMap((entry) => {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) return [];
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      return parts.every((part) => cmdline.includes(part)) ? [pid] : [];
    } catch {
      return []; // gone
    }
  });
}
