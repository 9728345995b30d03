import { readdirSync, readlinkSync } from 'node:fs';

/** The mount namespace of a process, e.g. `mnt:[4026532301]`; `null` once it is gone. */
export function mountNamespaceOf(pid: number): string | null {
  try {
    return readlinkSync(`/proc/${pid}/ns/mnt`);
  } catch {
    return null;
  }
}

/**
 * Every process in one of `namespaces`, by namespace. A host's sshd, its per-connection
 * children, their shells and whatever those started all live in the host's own mount
 * namespace, so this finds them all however they were forked, detached or re-parented.
 */
export function processesInNamespaces(namespaces: ReadonlySet<string>): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const namespace = mountNamespaceOf(pid);
    if (namespace !== null && namespaces.has(namespace)) pids.push(pid);
  }
  return pids;
}

/** SIGKILLs every process of those namespaces; already-gone processes are ignored. */
export function killNamespaces(namespaces: ReadonlySet<string>): void {
  for (const pid of processesInNamespaces(namespaces)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // it exited between the scan and the kill
    }
  }
}
