import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSshHosts } from '../../test/support/ssh-hosts.js';
import type { SshHost, SshHosts, SshHostsOptions } from '../../test/support/ssh-hosts.js';
import { generateKeyPair } from '../../test/support/ssh/ssh-keys.js';
import { onCleanup } from '../support/cleanup.js';

/** The one account every host has; it logs in with the benchmark's key only. */
export const FANOUT_USER = 'benchuser';

/**
 * How the hosts are set up; every system of a run logs in to the same hosts, so a choice
 * here adds or removes the same host work for each of them.
 * - `lean` (the default): sshd without PAM (no PAM session, no pam_motd `run-parts`), without
 *   a re-exec of itself per connection (`-r`), and `/bin/sh` (dash) as the user's shell instead
 *   of bash. The 200 hosts share the clients' 2 cores, so every exec a login costs them is
 *   wall time all three systems wait for; these choices make a login cost the hosts about
 *   half the CPU.
 * - `stock`: the test harness's defaults (PAM, re-exec, bash), as runs before 2026-11-24T07:28Z used.
 */
export type FanoutLabKind = 'lean' | 'stock';

export const FANOUT_LAB_KINDS: readonly FanoutLabKind[] = ['lean', 'stock'];

const LAB_SETTINGS: Readonly<Record<FanoutLabKind, { readonly hosts: Pick<SshHostsOptions, 'sshdConfig' | 'reexecPerConnection'>; readonly shell?: string }>> = {
  // UsePAM no still accepts the key: the harness gives every account the password field `*`, not a lock.
  lean: { hosts: { sshdConfig: ['UsePAM no'], reexecPerConnection: false }, shell: '/bin/sh' },
  stock: { hosts: {} },
};

/** One line for the benchmark's output: what `kind` sets. */
export function describeLab(kind: FanoutLabKind): string {
  return kind === 'lean' ? 'lab lean: sshd UsePAM no, no re-exec (-r), shell /bin/sh' : 'lab stock: sshd UsePAM yes, re-exec per connection, shell /bin/bash';
}

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
export async function startFanoutLab(count: number, kind: FanoutLabKind = 'lean'): Promise<FanoutLab> {
  const dir = await mkdtemp(join(tmpdir(), 'ostiary-fanout-'));
  onCleanup(() => rm(dir, { recursive: true, force: true }));
  const key = generateKeyPair({ comment: 'ostiary-bench' });
  const { hosts, shell } = LAB_SETTINGS[kind];
  const user = { name: FANOUT_USER, authorizedKeys: [key.public], ...(shell === undefined ? {} : { shell }) };
  const lab: SshHosts = await startSshHosts({ count, namePrefix: 'fan', hostsPerSshd: 16, users: [user], ...hosts });
  onCleanup(() => lab.stop());
  const files = { keyFile: join(dir, 'id_ed25519'), knownHostsFile: join(dir, 'known_hosts'), hostsFile: join(dir, 'hosts.json') };
  await writeFile(files.keyFile, key.private, { mode: 0o600 });
  await writeFile(files.knownHostsFile, lab.hosts.map((host) => `[${host.address}]:${host.port} ${host.hostKey}\n`).join(''));
  await writeFile(files.hostsFile, JSON.stringify(lab.hosts.map(({ name, address, port, hostKey }) => ({ name, address, port, hostKey }))));
  return { hosts: lab.hosts, dir, harnessDir: lab.dir, startupMs: lab.startupMs, ...files };
}
