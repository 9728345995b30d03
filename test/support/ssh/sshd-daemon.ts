import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdir, open, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { ProcessResult } from './child-process.js';
import { runProcess } from './child-process.js';
import type { EtcLayer } from './etc-layer.js';
import { MOUNT_FUNCTION, hostMountArgs, prepareHostEtc } from './etc-layer.js';
import type { PublicHostKey } from './ssh-keys.js';
import { writeHostKey } from './ssh-keys.js';
import { killNamespaces, mountNamespaceOf } from './namespace-processes.js';

export const SSHD = '/usr/sbin/sshd';

/** One sshd process: one or more loopback addresses, one host key, one private `/etc`. */
export interface SshdDaemonSettings {
  readonly dir: string;
  /** Host name inside its UTS namespace (what shell prompts show). */
  readonly hostname: string;
  readonly addresses: readonly string[];
  readonly port: number;
  readonly layer: EtcLayer;
  readonly authorizedKeysDir: string;
  readonly permitRootLogin: boolean;
  /** Lines placed before the defaults; sshd keeps the first value it reads for a keyword. */
  readonly extraConfig: readonly string[];
  /** Whether sshd re-executes itself for each connection (its default; `false` passes `-r`). @defaultValue true */
  readonly reexec?: boolean;
}

/** Per-process options of a command run inside a host. */
export interface RunInHostOptions {
  /** Run as this user (`runuser`), else as root. */
  readonly user?: string;
  /** Given on stdin: passwords for `chpasswd` and the like go here, never into the command. */
  readonly input?: string;
}

const READY_TIMEOUT_MS = 15_000;
const OWN_NAMESPACE = mountNamespaceOf(process.pid);

const START_SCRIPT = `set -e
${MOUNT_FUNCTION}
mount_etc "$1" "$2"
# a builtin write instead of \`hostname\`: every exec costs ~35 ms on these VMs
printf %s "$3" > /proc/sys/kernel/hostname
config=$4; log=$5; shift 5
exec ${SSHD} -D -f "$config" -E "$log" "$@"`;

export class SshdDaemon {
  #child: ChildProcess | null = null;
  #namespace: string | null = null;
  #key: PublicHostKey | null = null;
  /** What setpriv/unshare/sh printed before sshd took over (mount or hostname errors). */
  #stderr = '';

  constructor(readonly settings: SshdDaemonSettings) {}

  get hostKey(): PublicHostKey {
    if (!this.#key) throw new Error(`sshd ${this.settings.hostname} has not started`);
    return this.#key;
  }

  /** The mount namespace holding the sshd and every session, while it runs. */
  get namespace(): string | null {
    return this.#namespace;
  }

  get pid(): number | null {
    return this.#child?.pid ?? null;
  }

  /** Starts sshd and resolves once it listens on every address. */
  async start(options: { newHostKey?: boolean } = {}): Promise<void> {
    if (this.#child) throw new Error(`sshd ${this.settings.hostname} is running already`);
    if (!this.#key) await this.#prepare();
    else if (options.newHostKey) this.#key = await writeHostKey(this.#path('host_key'));
    const logOffset = await sizeOf(this.#path('sshd.log'));
    this.#child = this.#spawn();
    await this.#waitUntilListening(this.#child, logOffset);
    this.#namespace = this.#ownNamespace(this.#child);
  }

  /** Kills sshd and every session and command in its namespace. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
    if (this.#namespace) killNamespaces(new Set([this.#namespace]));
    child.kill('SIGKILL');
    await exited;
    this.#child = null;
    this.#namespace = null;
  }

  /** Everything sshd logged, over every start. */
  log(): Promise<string> {
    return readFrom(this.#path('sshd.log'), 0);
  }

  /** Runs `sh -c command` as the host sees the world: its `/etc`, its users, its passwords. */
  run(command: string, options: RunInHostOptions = {}): Promise<ProcessResult> {
    const asUser = options.user === undefined ? ['sh', '-c', command] : ['runuser', '-u', options.user, '--', 'sh', '-c', command];
    const pid = this.pid;
    // While sshd runs, enter its namespace: a second overlay mount of the same upper
    // directory would cache stale files (`passwd` renames over /etc/shadow).
    const args =
      pid !== null && this.#namespace
        ? ['nsenter', '-t', String(pid), '-m', '-u', '--', ...asUser]
        : ['unshare', '-m', '--propagation', 'private', 'sh', '-c', `${MOUNT_FUNCTION}\nmount_etc "$1" "$2"; shift 2; exec "$@"`, 'run', ...hostMountArgs(this.settings.layer, this.settings.dir), ...asUser];
    const [command0 = 'sh', ...rest] = args;
    return runProcess(command0, rest, { input: options.input });
  }

  async #prepare(): Promise<void> {
    await mkdir(this.settings.dir, { recursive: true });
    await prepareHostEtc(this.settings.layer, this.settings.dir);
    this.#key = await writeHostKey(this.#path('host_key'));
    await writeFile(this.#path('sshd_config'), this.#config());
  }

  #spawn(): ChildProcess {
    const { layer, dir, hostname } = this.settings;
    // setpriv --pdeathsig: if the test process dies without cleaning up (SIGKILL, crash),
    // the kernel kills sshd too; the pdeathsig survives the execs down to sshd.
    const args = ['--pdeathsig', 'KILL', 'unshare', '-m', '-u', '--propagation', 'private', 'sh', '-c', START_SCRIPT, 'sshd-host', ...hostMountArgs(layer, dir), hostname, this.#path('sshd_config'), this.#path('sshd.log'), ...this.#sshdFlags()];
    const child = spawn('setpriv', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.setEncoding('utf8').on('data', (text: string) => (this.#stderr += text));
    child.on('error', () => undefined); // reported by #waitUntilListening through exitCode
    return child;
  }

  /** Flags after the harness's own (`-D -f CONFIG -E LOG`). */
  #sshdFlags(): string[] {
    return this.settings.reexec === false ? ['-r'] : [];
  }

  async #waitUntilListening(child: ChildProcess, logOffset: number): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    const wanted = this.settings.addresses.map((address) => `Server listening on ${address} port ${this.settings.port}.`);
    for (;;) {
      const log = await readFrom(this.#path('sshd.log'), logOffset);
      if (/Bind to port \d+ on \S+ failed|Cannot bind any address/.test(log)) return this.#failStart(child, `cannot listen: ${lastLines(log)}`);
      if (wanted.every((line) => log.includes(line))) return;
      if (child.exitCode !== null || child.signalCode !== null) return this.#failStart(child, `exited early: ${lastLines(this.#stderr + log)}`);
      if (Date.now() > deadline) return this.#failStart(child, `not listening after ${READY_TIMEOUT_MS} ms: ${lastLines(log)}`);
      await delay(15);
    }
  }

  async #failStart(child: ChildProcess, why: string): Promise<never> {
    child.kill('SIGKILL');
    this.#child = null;
    throw new SshdStartError(`sshd for ${this.settings.hostname} (${this.settings.addresses.join(', ')}:${this.settings.port}) ${why}`, why.startsWith('cannot listen'));
  }

  #ownNamespace(child: ChildProcess): string | null {
    const namespace = child.pid === undefined ? null : mountNamespaceOf(child.pid);
    // Never record our own namespace: killing "its" processes would kill the test runner.
    return namespace === OWN_NAMESPACE ? null : namespace;
  }

  #config(): string {
    const { addresses, port, permitRootLogin, extraConfig, authorizedKeysDir } = this.settings;
    return [
      ...extraConfig,
      `Port ${port}`,
      ...addresses.map((address) => `ListenAddress ${address}`),
      `HostKey ${this.#path('host_key')}`,
      'PidFile none',
      // Homes live under /tmp, which is world-writable: StrictModes would refuse every key.
      'StrictModes no',
      `AuthorizedKeysFile .ssh/authorized_keys ${authorizedKeysDir}/%u`,
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication yes',
      'UsePAM yes',
      `PermitRootLogin ${permitRootLogin ? 'yes' : 'no'}`,
      'MaxStartups 1000:30:2000',
      'MaxSessions 100',
      'UseDNS no',
      'PrintMotd no',
      'PrintLastLog no',
      'Subsystem sftp internal-sftp',
      '',
    ].join('\n');
  }

  #path(name: string): string {
    return join(this.settings.dir, name);
  }
}

/** sshd did not come up; `addressInUse` says another process holds one of its addresses. */
export class SshdStartError extends Error {
  constructor(
    message: string,
    readonly addressInUse: boolean,
  ) {
    super(message);
    this.name = 'SshdStartError';
  }
}

async function sizeOf(path: string): Promise<number> {
  return stat(path).then((info) => info.size, () => 0);
}

async function readFrom(path: string, offset: number): Promise<string> {
  const file = await open(path, 'r').catch(() => null);
  if (!file) return '';
  try {
    const { size } = await file.stat();
    const buffer = Buffer.alloc(Math.max(0, size - offset));
    await file.read(buffer, 0, buffer.length, offset);
    return buffer.toString('utf8');
  } finally {
    await file.close();
  }
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-5).join(' | ');
}
