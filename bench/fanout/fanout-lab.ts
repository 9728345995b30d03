import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSshHosts } from '../../test/support/ssh-hosts.js';
import type { SshHost, SshHosts } from '../../test/support/ssh-hosts.js';
import { generateKeyPair } from '../../test/support/ssh/ssh-keys.js';
import { onCleanup } from '../support/cleanup.js';

/** The one account every host has; it logs in with the benchmark's key only. */
export const FANOUT_USER = 'benchuser';

/** Hosts and the files every client of the run shares. */
export interface FanoutLab {
  readonly hosts: readonly SshHost[];
  /** Private key (0600) that logs in as {@link FANOUT_USER} everywhere. */
  readonly keyFile: string;
  /** Every host's key, so OpenSSH and ansible check host keys as Ostiary's pinned devices do. */
  readonly knownHostsFile: string;
  /** The hosts as JSON (name, address, port, hostKey) for Ostiary's child process. */
  readonly hostsFile: string;
  /** Scratch space for the run (inventory, control sockets, the SQLite file). */
  readonly dir: string;
  /** The harness's own directory, which every sshd listener's command line names. */
  readonly harnessDir: string;
  readonly startupMs: number;
}

/** Starts `count` loopback sshd hosts (16 per sshd) with a fresh ed25519 key authorized for the one user. */
export async function startFanoutLab(count: number): Promise<FanoutLab> {
  const dir = await mkdtemp(join(tmpdir(), 'ostiary-fanout-'));
  onCleanup(() => rm(dir, { recursive: true, force: true }));
  const key = generateKeyPair({ comment: 'ostiary-bench' });
  const lab: SshHosts = await startSshHosts({ count, namePrefix: 'fan', hostsPerSshd: 16, users: [{ name: FANOUT_USER, authorizedKeys: [key.public] }] });
  onCleanup(() => lab.stop());
  const files = { keyFile: join(dir, 'id_ed25519'), knownHostsFile: join(dir, 'known_hosts'), hostsFile: join(dir, 'hosts.json') };
  await writeFile(files.keyFile, key.private, { mode: 0o600 });
  await writeFile(files.knownHostsFile, lab.hosts.map((host) => `[${host.address}]:${host.port} ${host.hostKey}\n`).join(''));
  await writeFile(files.hostsFile, JSON.stringify(lab.hosts.map(({ name, address, port, hostKey }) => ({ name, address, port, hostKey }))));
  return { hosts: lab.hosts, dir, harnessDir: lab.dir, startupMs: lab.startupMs, ...files };
}
