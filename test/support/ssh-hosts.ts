/**
 * Real SSH "hosts" for tests and benchmarks: OpenSSH sshd processes on loopback addresses
 * (127.A.B.C), each in a private mount namespace with its own `/etc`, so each host has its
 * own users, passwords and host key. See RECIPES.md "A real SSH target".
 *
 * ```ts
 * const lab = await startSshHosts({ count: 3, users: [{ name: 'alice', password: 'Old#Pass1' }] });
 * after(() => lab.stop());
 * const [host] = lab.hosts; // { name, address, port, hostKey, hostKeyFingerprint }
 * await lab.runAs(host, 'passwd -S alice');
 * ```
 */
import { accessSync, constants, rmSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requirePart } from './integration.js';
import type { ProcessResult } from './ssh/child-process.js';
import { mapWithLimit } from './ssh/child-process.js';
import { authorizedKeysDir, prepareEtcLayer } from './ssh/etc-layer.js';
import type { EtcLayer, EtcMode, SshTestUser } from './ssh/etc-layer.js';
import { LoopbackAddresses } from './ssh/loopback-addresses.js';
import { killNamespaces } from './ssh/namespace-processes.js';
import type { RunInHostOptions } from './ssh/sshd-daemon.js';
import { SSHD, SshdDaemon, SshdStartError } from './ssh/sshd-daemon.js';

export type { EtcMode, ProcessResult, RunInHostOptions, SshTestUser };

export interface SshHostsOptions {
  /** @defaultValue 1 */
  readonly count?: number;
  /** Created on every host (each host then has its own copy of their passwords). @defaultValue [] */
  readonly users?: readonly SshTestUser[];
  /** Hosts are named `PREFIX-1` … `PREFIX-N`; also the hostname shell prompts show (a group shares its first host's). @defaultValue `host` */
  readonly namePrefix?: string;
  /** Every host listens on this port of its own address. @defaultValue 2200 */
  readonly port?: number;
  /**
   * Hosts served by one sshd (1..16). Above 1, the hosts of one sshd share its `/etc`
   * (users, passwords) and host key; use it only when many hosts matter more than isolation.
   * @defaultValue 1
   */
  readonly hostsPerSshd?: number;
  /** @defaultValue false */
  readonly permitRootLogin?: boolean;
  /** sshd_config lines that win over the harness defaults, e.g. `PasswordAuthentication no`. @defaultValue [] */
  readonly sshdConfig?: readonly string[];
  /**
   * sshd re-executes itself for every connection (fresh address-space layout per session).
   * `false` passes `-r`: each connection is only a fork of the listener, which spares a whole
   * exec of sshd per login where many logins on a small machine matter more than that.
   * @defaultValue true
   */
  readonly reexecPerConnection?: boolean;
  /** Fake `/etc/init.d` scripts: `service NAME restart` prints `Restarting NAME ... done`. @defaultValue ['rsync', 'mysql'] */
  readonly services?: readonly string[];
  /** Extra commands (name → `sh` script body) on the PATH of login shells. @defaultValue {} */
  readonly commands?: Readonly<Record<string, string>>;
  /** sshd processes started at once. @defaultValue 16 */
  readonly concurrency?: number;
  /** How each host gets its own /etc; see {@link EtcMode}. @defaultValue overlay where possible, else copy */
  readonly etcMode?: EtcMode;
}

/** One host as a device would register it. */
export interface SshHost {
  readonly name: string;
  readonly address: string;
  readonly port: number;
  /** `ssh-ed25519 AAAA…` (the `Device.hostKey` format). */
  readonly hostKey: string;
  /** `SHA256:…`, as OpenSSH prints it. */
  readonly hostKeyFingerprint: string;
}

export interface RunAsOptions extends RunInHostOptions {
  /** Throw when the command exits non-zero (the error quotes stderr). @defaultValue true */
  readonly check?: boolean;
}

export interface SshHosts {
  /** Current view of the hosts; an entry is replaced when its host restarts with a new key. */
  readonly hosts: readonly SshHost[];
  readonly users: readonly SshTestUser[];
  /** `overlay` (no copy per host) or `copy` (a full copy of /etc per host, when overlayfs is missing). */
  readonly etcMode: EtcMode;
  /** The temporary directory holding every host's files (removed by {@link stop}). */
  readonly dir: string;
  /** Wall time `startSshHosts` took. */
  readonly startupMs: number;
  /** The host named `name`. */
  host(name: string): SshHost;
  /** Runs `sh -c command` as root (or `options.user`) on the host: its /etc, users and passwords. */
  runAs(host: SshHost, command: string, options?: RunAsOptions): Promise<ProcessResult>;
  /** sshd's log of the host (`-E`), e.g. to see `Accepted keyboard-interactive/pam for bob`. */
  sshdLog(host: SshHost): Promise<string>;
  /** Restarts the host's sshd (with a fresh host key if asked); users and passwords stay. */
  restartHost(host: SshHost, options?: { newHostKey?: boolean }): Promise<SshHost>;
  /** Stops the host's sshd and ends its sessions: connecting is then refused. */
  stopHost(host: SshHost): Promise<void>;
  /** Kills every sshd, session and command of every host and removes the temporary files. */
  stop(): Promise<void>;
}

/** Skip reason (or `false`) for tests that need {@link startSshHosts}; fails instead under CI. */
export async function requireSshHosts(): Promise<string | false> {
  return (
    (await requirePart('root (to start sshd test hosts)', () => process.getuid?.() === 0, 'run the tests as root')) ||
    (await requirePart('OpenSSH sshd', () => executable(SSHD), 'apt-get install -y openssh-server')) ||
    (await requirePart('unshare, nsenter and setpriv', () => ['/usr/bin/unshare', '/usr/bin/nsenter', '/usr/bin/setpriv'].every(executable), 'apt-get install -y util-linux'))
  );
}

/** Starts the hosts; on any failure everything already started is torn down before the error. */
export async function startSshHosts(options: SshHostsOptions = {}): Promise<SshHosts> {
  const started = Date.now();
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 }); // sshd's privilege separation directory
  const base = await mkdtemp(join(tmpdir(), 'ostiary-ssh-'));
  await chmod(base, 0o755); // test users must reach their homes under it
  const lab = new SshLab(base, options);
  LIVE_LABS.add(lab);
  try {
    await lab.start();
  } catch (error) {
    await lab.stop();
    throw error;
  }
  lab.startupMs = Date.now() - started;
  return lab;
}

interface HostSlot {
  host: SshHost;
  daemon: SshdDaemon;
}

class SshLab implements SshHosts {
  startupMs = 0;
  #layer: EtcLayer | null = null;
  readonly #slots: HostSlot[] = [];
  readonly #daemons = new Set<SshdDaemon>();
  readonly #addresses = new LoopbackAddresses();
  readonly #port: number;

  constructor(
    readonly base: string,
    private readonly options: SshHostsOptions,
  ) {
    this.#port = options.port ?? 2200;
  }

  get dir(): string {
    return this.base;
  }

  get hosts(): readonly SshHost[] {
    return this.#slots.map((slot) => slot.host);
  }

  get users(): readonly SshTestUser[] {
    return this.options.users ?? [];
  }

  get etcMode(): EtcMode {
    return this.#layer?.mode ?? 'overlay';
  }

  async start(): Promise<void> {
    const groupSize = Math.min(16, Math.max(1, this.options.hostsPerSshd ?? 1));
    this.#layer = await prepareEtcLayer(this.base, { users: this.users, services: this.options.services ?? ['rsync', 'mysql'], commands: this.options.commands ?? {}, mode: this.options.etcMode });
    const names = Array.from({ length: this.options.count ?? 1 }, (_, index) => `${this.options.namePrefix ?? 'host'}-${index + 1}`);
    const groups = chunk(names, groupSize);
    const slots = await mapWithLimit(groups, this.options.concurrency ?? 16, (group, index) => this.#startGroup(group, index));
    this.#slots.push(...slots.flat());
  }

  host(name: string): SshHost {
    const slot = this.#slots.find((candidate) => candidate.host.name === name);
    if (!slot) throw new Error(`no test host named ${name}`);
    return slot.host;
  }

  async runAs(host: SshHost, command: string, options: RunAsOptions = {}): Promise<ProcessResult> {
    const result = await this.#slot(host).daemon.run(command, options);
    if (options.check !== false && result.code !== 0) throw new Error(`on ${host.name}, "${command}" exited ${result.code}: ${result.stderr.trim() || result.stdout.trim()}`);
    return result;
  }

  sshdLog(host: SshHost): Promise<string> {
    return this.#slot(host).daemon.log();
  }

  async restartHost(host: SshHost, options: { newHostKey?: boolean } = {}): Promise<SshHost> {
    const { daemon } = this.#slot(host);
    await daemon.stop();
    await daemon.start(options);
    for (const slot of this.#slots) if (slot.daemon === daemon) slot.host = { ...slot.host, hostKey: daemon.hostKey.hostKey, hostKeyFingerprint: daemon.hostKey.fingerprint };
    return this.#slot(host).host;
  }

  async stopHost(host: SshHost): Promise<void> {
    await this.#slot(host).daemon.stop();
  }

  async stop(): Promise<void> {
    killNamespaces(new Set([...this.#daemons].flatMap((daemon) => (daemon.namespace ? [daemon.namespace] : []))));
    await Promise.all([...this.#daemons].map((daemon) => daemon.stop()));
    this.#daemons.clear();
    await rm(this.base, { recursive: true, force: true });
    LIVE_LABS.delete(this);
  }

  /** Pids of running sshd listeners, for the exit hook. */
  listenerPids(): number[] {
    return [...this.#daemons].flatMap((daemon) => (daemon.pid === null ? [] : [daemon.pid]));
  }

  namespaces(): string[] {
    return [...this.#daemons].flatMap((daemon) => (daemon.namespace ? [daemon.namespace] : []));
  }

  /** Starts one sshd for `names`; another process holding an address moves it to fresh ones. */
  async #startGroup(names: readonly string[], index: number): Promise<HostSlot[]> {
    for (let attempt = 0; ; attempt++) {
      const addresses = await this.#takeAddresses(names.length);
      const daemon = this.#daemon(names, addresses, `sshd-${index + 1}${attempt ? `-retry${attempt}` : ''}`);
      try {
        await daemon.start();
      } catch (error) {
        this.#daemons.delete(daemon);
        if (error instanceof SshdStartError && error.addressInUse && attempt < 3) continue;
        throw error;
      }
      return names.map((name, offset) => ({ daemon, host: { name, address: addresses[offset] ?? '', port: this.#port, hostKey: daemon.hostKey.hostKey, hostKeyFingerprint: daemon.hostKey.fingerprint } }));
    }
  }

  async #takeAddresses(count: number): Promise<string[]> {
    const addresses: string[] = [];
    for (let index = 0; index < count; index++) addresses.push(await this.#addresses.take(this.#port));
    return addresses;
  }

  #daemon(names: readonly string[], addresses: readonly string[], dirName: string): SshdDaemon {
    if (!this.#layer) throw new Error('the /etc layer is not ready');
    const daemon = new SshdDaemon({
      dir: join(this.base, dirName),
      hostname: names[0] ?? 'host',
      addresses,
      port: this.#port,
      layer: this.#layer,
      authorizedKeysDir: authorizedKeysDir(this.base),
      permitRootLogin: this.options.permitRootLogin ?? false,
      extraConfig: this.options.sshdConfig ?? [],
      reexec: this.options.reexecPerConnection ?? true,
    });
    this.#daemons.add(daemon);
    return daemon;
  }

  #slot(host: SshHost): HostSlot {
    const slot = this.#slots.find((candidate) => candidate.host.name === host.name);
    if (!slot) throw new Error(`no test host named ${host.name}`);
    return slot;
  }
}

/**
 * Labs not stopped yet. A test process that exits without `stop()` (an uncaught error, a
 * forgotten `after`) still kills its sshd processes and removes its files here; a process
 * killed outright takes its sshd listeners along through their parent-death signal.
 */
const LIVE_LABS = new Set<SshLab>();

function cleanUpLiveLabs(): void {
  for (const lab of LIVE_LABS) {
    killNamespaces(new Set(lab.namespaces()));
    for (const pid of lab.listenerPids()) killQuietly(pid);
    rmSync(lab.base, { recursive: true, force: true });
  }
  LIVE_LABS.clear();
}

process.once('exit', cleanUpLiveLabs);
// A test runner that times out sends SIGTERM, which skips 'exit' handlers: clean up, then
// die of the same signal as if nobody had listened.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    cleanUpLiveLabs();
    process.kill(process.pid, signal);
  });
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}
