import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runChecked, runProcess } from './child-process.js';

/** A Linux account the harness creates on every host. */
export interface SshTestUser {
  /** Lower-case login name; `root` is not created, only given the password and keys. */
  readonly name: string;
  /** Set with `chpasswd` (fed through stdin, never argv). */
  readonly password?: string;
  /** `ssh-ed25519 AAAA…` lines accepted for this user. */
  readonly authorizedKeys?: readonly string[];
  /** @defaultValue `/bin/bash` */
  readonly shell?: string;
}

/** What every host's `/etc` starts from, on top of the machine's own. */
export interface EtcLayerOptions {
  readonly users: readonly SshTestUser[];
  /** Names of fake init scripts, so `service NAME restart` works. */
  readonly services: readonly string[];
  /** Test commands by name (shell script bodies), on the PATH of login shells. */
  readonly commands: Readonly<Record<string, string>>;
  /** Force a mode; by default overlay where the kernel allows it, else copy. */
  readonly mode?: EtcMode;
}

/**
 * `overlay`: each host mounts an overlay whose lower layers are the prepared layer and the
 * machine's `/etc`, so a host costs no copy. `copy`: where overlayfs is unavailable, each host
 * gets a full copy of the prepared `/etc` (about 4 MB) bind-mounted instead.
 */
export type EtcMode = 'overlay' | 'copy';

export interface EtcLayer {
  readonly mode: EtcMode;
  /** The prepared layer (overlay) or full prepared copy of `/etc` (copy). */
  readonly dir: string;
}

/** `service` lives in /usr/sbin, which Debian leaves off the PATH of ordinary users. */
const TEST_PATH = '/etc/ostiary-test/bin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin';
const NAME = /^[a-z_][a-z0-9_-]{0,31}$/;

/** Builds the layer once: users, keys, fake services, test commands. */
export async function prepareEtcLayer(base: string, options: EtcLayerOptions): Promise<EtcLayer> {
  validateNames(options);
  const layer = await createLayerDir(base, options.mode);
  await writeLayerFiles(layer.dir, options);
  await writeAuthorizedKeys(base, options.users);
  await runChecked('unshare', ['-m', '--propagation', 'private', 'sh', '-c', SETUP_SCRIPT, 'setup', ...mountArgs(layer, base), join(base, 'home'), ...userSpecs(options.users)], {
    input: passwordLines(options.users),
  });
  return layer;
}

/** Where sshd reads authorized keys of user `%u` (besides the user's own home). */
export function authorizedKeysDir(base: string): string {
  return join(base, 'authorized-keys');
}

/** Shell words that mount this layer as `/etc` for one host; see {@link MOUNT_FUNCTION}. */
export function hostMountArgs(layer: EtcLayer, hostDir: string): string[] {
  return layer.mode === 'overlay'
    ? ['overlay', `lowerdir=${layer.dir}:/etc,upperdir=${join(hostDir, 'upper')},workdir=${join(hostDir, 'work')}`]
    : ['bind', join(hostDir, 'etc')];
}

/** Makes the per-host directories the mount needs (a copy of the layer in copy mode). */
export async function prepareHostEtc(layer: EtcLayer, hostDir: string): Promise<void> {
  if (layer.mode === 'overlay') {
    await mkdir(join(hostDir, 'upper'), { recursive: true });
    await mkdir(join(hostDir, 'work'), { recursive: true });
  } else {
    await runChecked('cp', ['-a', layer.dir, join(hostDir, 'etc')]);
  }
}

/**
 * Shell function `mount_etc KIND ARG`: mounts a host's `/etc` in the current (private)
 * mount namespace. A whole directory is mounted, because `passwd` renames over
 * `/etc/shadow`, which fails on a bind-mounted single file.
 */
export const MOUNT_FUNCTION = `mount_etc() {
  if [ "$1" = overlay ]; then mount -t overlay ostiary-etc -o "$2" /etc; else mount --bind "$2" /etc; fi
}`;

/**
 * Runs inside a private mount namespace with the layer mounted as /etc: creates the users
 * (homes under the harness directory), sets passwords from stdin, drops the dynamic login
 * banner, and removes the machine's real init scripts (other than ours), so
 * `service mariadb restart` on a test host can never touch a real service.
 */
const SETUP_SCRIPT = `set -e
${MOUNT_FUNCTION}
mount_etc "$1" "$2"; homes="$3"; shift 3
for spec in "$@"; do
  name=\${spec%%:*}; shell=\${spec#*:}
  if [ "$name" = root ]; then
    # root's real home is the machine's /root: give this layer's root a home of its own,
    # so shell history and dotfiles of test sessions stay in the harness directory.
    # (usermod refuses: root "is currently used" by this very shell.)
    mkdir -p "$homes/root"; cp -a /etc/skel/. "$homes/root/"
    sed -i "s|^root:\\([^:]*:[^:]*:[^:]*:[^:]*\\):[^:]*:|root:\\1:$homes/root:|" /etc/passwd
  elif ! id -u "$name" >/dev/null 2>&1; then useradd -m -d "$homes/$name" -s "$shell" "$name"; fi
  usermod -p '*' "$name" 2>/dev/null || true
done
chpasswd
rm -f /etc/update-motd.d/*
for script in /etc/init.d/*; do
  grep -q 'Ostiary SSH test harness' "$script" 2>/dev/null || rm -f "$script"
done
`;

async function createLayerDir(base: string, mode: EtcMode | undefined): Promise<EtcLayer> {
  const overlay: EtcLayer = { mode: 'overlay', dir: join(base, 'etc-layer') };
  await mkdir(overlay.dir, { recursive: true });
  await mkdir(join(base, 'etc-layer-work'), { recursive: true });
  const probe = mode === 'copy' ? { code: 1 } : await runProcess('unshare', ['-m', '--propagation', 'private', 'sh', '-c', `${MOUNT_FUNCTION}\nmount_etc "$1" "$2"`, 'probe', ...mountArgs(overlay, base)]);
  if (probe.code === 0) return overlay;
  const copy: EtcLayer = { mode: 'copy', dir: join(base, 'etc-copy') };
  await runChecked('cp', ['-a', '/etc', copy.dir]);
  return copy;
}

function mountArgs(layer: EtcLayer, base: string): string[] {
  return layer.mode === 'overlay' ? ['overlay', `lowerdir=/etc,upperdir=${layer.dir},workdir=${join(base, 'etc-layer-work')}`] : ['bind', layer.dir];
}

function userSpecs(users: readonly SshTestUser[]): string[] {
  return users.map((user) => `${user.name}:${user.shell ?? '/bin/bash'}`);
}

function passwordLines(users: readonly SshTestUser[]): string {
  return users.flatMap((user) => (user.password === undefined ? [] : [`${user.name}:${user.password}\n`])).join('');
}

async function writeLayerFiles(dir: string, options: EtcLayerOptions): Promise<void> {
  await mkdir(join(dir, 'init.d'), { recursive: true });
  await mkdir(join(dir, 'profile.d'), { recursive: true });
  await mkdir(join(dir, 'ostiary-test', 'bin'), { recursive: true });
  for (const service of options.services) await writeExecutable(join(dir, 'init.d', service), initScript(service));
  for (const [name, body] of Object.entries(options.commands)) await writeExecutable(join(dir, 'ostiary-test', 'bin', name), `#!/bin/sh\n${body}\n`);
  // /etc/environment (pam_env) serves sessions without a login shell; profile.d login shells.
  await writeFile(join(dir, 'environment'), `PATH="${TEST_PATH}"\n`);
  await writeFile(join(dir, 'profile.d', 'ostiary-test.sh'), `PATH="${TEST_PATH}"\nexport PATH\n`);
  await writeFile(join(dir, 'motd'), ''); // transcripts start at the prompt, not with Debian's licence text
}

async function writeAuthorizedKeys(base: string, users: readonly SshTestUser[]): Promise<void> {
  const dir = authorizedKeysDir(base);
  await mkdir(dir, { recursive: true });
  for (const user of users) await writeFile(join(dir, user.name), (user.authorizedKeys ?? []).map((key) => `${key}\n`).join(''), { mode: 0o644 });
}

async function writeExecutable(path: string, text: string): Promise<void> {
  await writeFile(path, text);
  await chmod(path, 0o755);
}

/** A stand-in for a real init script: prints what `service NAME ACTION` would, changes nothing. */
function initScript(service: string): string {
  return `#!/bin/sh
# Fake init script made by the Ostiary SSH test harness.
case "$1" in
  start) echo "Starting ${service} ... done" ;;
  stop) echo "Stopping ${service} ... done" ;;
  restart|force-reload) echo "Restarting ${service} ... done" ;;
  status) echo "${service} is running" ;;
  *) echo "Usage: /etc/init.d/${service} {start|stop|restart|status}" >&2; exit 3 ;;
esac
`;
}

function validateNames(options: EtcLayerOptions): void {
  const names = [...options.users.map((user) => user.name), ...options.services, ...Object.keys(options.commands)];
  const bad = names.find((name) => !NAME.test(name));
  if (bad !== undefined) throw new Error(`ssh test hosts: "${bad}" is not a valid user, service or command name (expected ${String(NAME)})`);
}
