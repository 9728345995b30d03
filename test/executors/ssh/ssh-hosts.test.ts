import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { canLogIn, sshRun } from '../../support/ssh/ssh-login.js';
import { requireSshHosts, startSshHosts } from '../../support/ssh-hosts.js';
import type { SshHost, SshHosts } from '../../support/ssh-hosts.js';

const skip = await requireSshHosts();
const ERIN = { username: 'erin', password: 'Er1n#harness-pass' };

describe('ssh test hosts harness', { skip }, () => {
  let lab: SshHosts;

  before(async () => {
    lab = await startSshHosts({ count: 20, users: [{ name: 'erin', password: ERIN.password }] });
    console.log(`# started 20 ssh hosts in ${lab.startupMs} ms (/etc: ${lab.etcMode})`);
  });
  after(() => lab?.stop());

  it('gives every host its own loopback address and its own host key', () => {
    assert.equal(lab.hosts.length, 20);
    assert.equal(new Set(lab.hosts.map((host) => host.address)).size, 20);
    assert.equal(new Set(lab.hosts.map((host) => host.hostKey)).size, 20);
    for (const host of lab.hosts) assert.match(host.address, /^127\.\d+\.\d+\.\d+$/);
  });

  it('gives every host its own /etc: a password changed on one host is unchanged on the others', async () => {
    const [one, two] = lab.hosts as [SshHost, SshHost];
    await lab.runAs(one, 'chpasswd', { input: 'erin:Changed#only-here1\n' });
    assert.equal(await canLogIn(one, { username: 'erin', password: 'Changed#only-here1' }), true);
    assert.equal(await canLogIn(two, { username: 'erin', password: ERIN.password }), true);
    assert.doesNotMatch(readFileSync('/etc/passwd', 'utf8'), /^erin:/m, 'the machine\'s own /etc is untouched');
  });

  it('offers fake services through the real `service` command, and hides the machine\'s real ones', async () => {
    const host = lab.hosts[3] as SshHost;
    assert.equal(await sshRun(host, ERIN, 'service rsync restart; service mysql restart'), 'Restarting rsync ... done\nRestarting mysql ... done\n');
    const unknown = await lab.runAs(host, 'service mariadb status', { check: false });
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /mariadb: unrecognized service/);
  });

  it('runs commands as a user of the host', async () => {
    const result = await lab.runAs(lab.hosts[4] as SshHost, 'id -un; hostname', { user: 'erin' });
    assert.equal(result.stdout, `erin\n${(lab.hosts[4] as SshHost).name}\n`);
  });
});

describe('ssh test hosts: several hosts on one sshd, and teardown', { skip }, () => {
  it('serves a group of addresses from one sshd (shared key), and stop() leaves no process or file behind', async () => {
    const lab = await startSshHosts({ count: 6, hostsPerSshd: 4, namePrefix: 'grouped', users: [{ name: 'erin', password: ERIN.password }] });
    let stopped = false;
    try {
      assert.equal(new Set(lab.hosts.map((host) => host.address)).size, 6);
      assert.equal(new Set(lab.hosts.map((host) => host.hostKey)).size, 2, 'hosts 1-4 share an sshd, 5-6 another');
      for (const host of lab.hosts) assert.equal(await sshRun(host, ERIN, 'echo ok'), 'ok\n');
      assert.ok(sshdProcessesOf(lab.dir).length >= 2);
      await lab.stop();
      stopped = true;
      assert.deepEqual(sshdProcessesOf(lab.dir), []);
      assert.equal(existsSync(lab.dir), false);
      for (const host of lab.hosts) assert.equal(await connectionError(host), 'ECONNREFUSED');
    } finally {
      if (!stopped) await lab.stop();
    }
  });
});

describe('ssh test hosts: full copies of /etc where overlayfs is missing', { skip }, () => {
  it('keeps hosts apart with bind-mounted copies too', async () => {
    const lab = await startSshHosts({ count: 2, etcMode: 'copy', namePrefix: 'copied', users: [{ name: 'erin', password: ERIN.password }] });
    try {
      const [one, two] = lab.hosts as [SshHost, SshHost];
      assert.equal(lab.etcMode, 'copy');
      await lab.runAs(one, 'chpasswd', { input: 'erin:Changed#in-copy-1\n' });
      assert.equal(await canLogIn(one, { username: 'erin', password: 'Changed#in-copy-1' }), true);
      assert.equal(await canLogIn(two, { username: 'erin', password: ERIN.password }), true);
    } finally {
      await lab.stop();
    }
  });
});

/** Pids of live (not zombie) processes whose command line mentions `dir`. */
function sshdProcessesOf(dir: string): number[] {
  return readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).filter((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return !/^\d+ \(.*\) [ZX]/s.test(stat) && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir);
    } catch {
      return false;
    }
  }).map(Number);
}

function connectionError(host: SshHost): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(host.port, host.address);
    socket.once('connect', () => (socket.destroy(), resolve('connected')));
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}
