import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { RetryableExecutorError } from '../../../src/executors/executor.js';
import { generateKeyPair } from '../../support/ssh/ssh-keys.js';
import { requireSshHosts, startSshHosts } from '../../support/ssh-hosts.js';
import type { SshHost, SshHosts } from '../../support/ssh-hosts.js';
import { assertNothingLeaked, runSsh, runSshFailing } from './ssh-run.js';

const skip = await requireSshHosts();
const ALICE = { username: 'alice', password: `Al1ce$${randomBytes(9).toString('base64url')}` };
const PASSPHRASE = `pass phrase ${randomBytes(6).toString('base64url')}`;
const CAROL_KEY = generateKeyPair({ passphrase: PASSPHRASE });
const DAVE = { username: 'dave', password: `D4ve!${randomBytes(9).toString('base64url')}` };
/** Shows who logged in. The command line holds no `$`: its echo would end `expect "*$"` early. */
const ECHO = 'expect "*$"\nexec "id -un | sed s/^/logged-in-as-/"\nexpect "logged-in-as-*$"\nend\n';

describe('ssh executor: connecting, logging in, pinning host keys', { skip }, () => {
  let lab: SshHosts;
  let kbdLab: SshHosts;
  let host: SshHost;

  before(async () => {
    [lab, kbdLab] = await Promise.all([
      startSshHosts({
        count: 3,
        users: [
          { name: 'alice', password: ALICE.password },
          { name: 'carol', authorizedKeys: [CAROL_KEY.public] },
        ],
      }),
      // Only keyboard-interactive, as many network devices: sshd keeps the first value it reads.
      startSshHosts({ namePrefix: 'kbd', sshdConfig: ['PasswordAuthentication no'], users: [{ name: 'dave', password: DAVE.password }] }),
    ]);
    host = lab.hosts[0] as SshHost;
  });
  after(() => Promise.all([lab?.stop(), kbdLab?.stop()]));

  it('pins the host key on first use, as the device records it', async () => {
    const result = await runSsh({ host, login: ALICE, source: ECHO, hostKey: null });
    assert.equal(result.error, null, result.error?.message);
    assert.deepEqual(result.pinned, [host.hostKey]);
    assert.match(result.transcript, new RegExp(`^\\[ssh\\] connected to ${host.address}:${host.port} as alice; host key ${escape(host.hostKeyFingerprint)} \\(pinned on first use\\)\n`));
    assert.match(result.transcript, /^logged-in-as-alice/m);
    assertNothingLeaked(result, [ALICE.password]);
  });

  it('accepts a registered key, with a comment or as a SHA256 fingerprint, without pinning again', async () => {
    for (const hostKey of [`${host.hostKey} root@${host.name}`, host.hostKeyFingerprint]) {
      const result = await runSsh({ host, login: ALICE, source: ECHO, hostKey });
      assert.equal(result.error, null, result.error?.message);
      assert.deepEqual(result.pinned, []);
    }
  });

  it('refuses a host whose key changed, before sending the password', async () => {
    const target = lab.hosts[1] as SshHost;
    const pinned = target.hostKey;
    const changed = await lab.restartHost(target, { newHostKey: true });
    assert.notEqual(changed.hostKey, pinned);
    const logBefore = await lab.sshdLog(target);
    const { error, ...result } = await runSshFailing({ host: changed, login: ALICE, source: ECHO, hostKey: pinned }, 'OST_EXEC_HOST_KEY');
    assert.equal(error.kind, 'final');
    assert.match(error.message, new RegExp(`pinned ${escape(target.hostKeyFingerprint)}, offered ${escape(changed.hostKeyFingerprint)}`));
    const logAfter = (await lab.sshdLog(target)).slice(logBefore.length);
    assert.doesNotMatch(logAfter, /Accepted|Failed password|authentication failure/, 'no login was attempted');
    assertNothingLeaked({ ...result, error }, [ALICE.password]);
  });

  it('refuses the key when another worker pinned a different one first', async () => {
    const otherKey = generateKeyPair().public;
    const result = await runSshFailing({ host, login: ALICE, source: ECHO, hostKey: null, pinAnswer: otherKey }, 'OST_EXEC_HOST_KEY');
    assert.deepEqual(result.pinned, [host.hostKey]);
  });

  it('a refused connection is retryable', async () => {
    const target = lab.hosts[2] as SshHost;
    await lab.stopHost(target);
    const { error } = await runSshFailing({ host: target, login: ALICE, source: ECHO }, 'OST_EXEC_CONNECT');
    assert.ok(error instanceof RetryableExecutorError);
    assert.equal(error.message, `connection refused by ${target.address}:${target.port}`);
  });

  it('a server that never completes the handshake times out per set-connect-timeout, retryable', async () => {
    const silent = await listenSilently(host.address);
    try {
      const address = silent.address();
      assert.ok(address && typeof address === 'object');
      const target = { ...host, port: address.port };
      const { error } = await runSshFailing({ host: target, login: ALICE, source: `set-connect-timeout 1\n${ECHO}` }, 'OST_EXEC_TIMEOUT');
      assert.ok(error instanceof RetryableExecutorError);
      assert.equal(error.message, `no SSH login to ${host.address}:${address.port} within 1000 ms`);
    } finally {
      silent.close();
    }
  });

  it('a wrong password is a final authentication error that names the user, not the password', async () => {
    const wrong = `wr0ng-${randomBytes(6).toString('base64url')}`;
    const { error, ...result } = await runSshFailing({ host, login: { username: 'alice', password: wrong }, source: ECHO }, 'OST_EXEC_AUTH');
    assert.equal(error.kind, 'final');
    assert.equal(error.message, `${host.address}:${host.port} rejected the login of user "alice"`);
    assertNothingLeaked({ ...result, error }, [wrong, ALICE.password]);
  });

  it('logs in with a passphrase-protected private key', async () => {
    const login = { username: 'carol', privateKey: CAROL_KEY.private, passphrase: PASSPHRASE };
    const result = await runSsh({ host, login, source: ECHO });
    assert.equal(result.error, null, result.error?.message);
    assert.match(result.transcript, /^logged-in-as-carol/m);
    assert.match(await lab.sshdLog(host), /Accepted publickey for carol/);
    assertNothingLeaked(result, [PASSPHRASE, CAROL_KEY.private]);
  });

  it('a wrong passphrase fails before connecting, as a final authentication error', async () => {
    const wrong = `not the ${PASSPHRASE}`;
    const login = { username: 'carol', privateKey: CAROL_KEY.private, passphrase: wrong };
    const { error, ...result } = await runSshFailing({ host, login, source: ECHO, hostKey: null }, 'OST_EXEC_AUTH');
    assert.equal(error.message, 'login.privateKey for user "carol" cannot be used: wrong or missing passphrase');
    assert.deepEqual(result.pinned, [], 'nothing connected');
    assertNothingLeaked({ ...result, error }, [wrong, PASSPHRASE, CAROL_KEY.private]);
  });

  it('answers keyboard-interactive password prompts where password authentication is off', async () => {
    const kbdHost = kbdLab.hosts[0] as SshHost;
    const result = await runSsh({ host: kbdHost, login: DAVE, source: ECHO });
    assert.equal(result.error, null, result.error?.message);
    assert.match(result.transcript, /^logged-in-as-dave/m);
    assert.match(await kbdLab.sshdLog(kbdHost), /Accepted keyboard-interactive\/pam for dave/);
    assertNothingLeaked(result, [DAVE.password]);
  });
});

/** A TCP server that accepts connections and never says a word: an SSH handshake that never ends. */
function listenSilently(address: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer(() => undefined);
    server.once('error', reject);
    server.listen(0, address, () => resolve(server));
  });
}

function escape(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}
