import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sshExecutor } from '../../../src/executors/ssh/ssh-executor.js';
import { testDevice } from '../../support/executor-context.js';
import { canLogIn } from '../../support/ssh/ssh-login.js';
import { requireSshHosts, startSshHosts } from '../../support/ssh-hosts.js';
import type { SshHost, SshHosts } from '../../support/ssh-hosts.js';
import { assertNothingLeaked, runSsh, runSshFailing } from './ssh-run.js';

const skip = await requireSshHosts();

/**
 * Passwords a shell would choke on if they ever reached a command line (quotes, `$`, `!`,
 * spaces, backticks). Old and new ones use different characters: pam_unix's `obscure`
 * check refuses a new password too similar to the old one.
 */
const OLD_STYLE = ` "q'$!#`;
const NEW_STYLE = '`;&|<>~';
function password(prefix: string, style = OLD_STYLE): string {
  return `${prefix}${style}${randomBytes(9).toString('base64url')}`;
}

const ALICE_OLD = password('Al1ce');
const BOB_OLD = password('B0b');
const ROOT = password('R00t');

/** A user changes their own password (DESIGN §4 "apply"), as `passwd` asks under LC_ALL=C. */
const CHANGE_OWN_PASSWORD = `expect "*$"
exec "passwd"
expect "Current password:"
exec "[#CURRENT_PASSWORD#]"
expect "New password:"
exec "[#NEW_PASSWORD#]"
expect "Retype new password:"
exec "[#NEW_PASSWORD#]"
expect "password updated successfully"
expect "*$"
end
`;

/** root sets another account's password: no current password asked. */
const ROOT_CHANGES_PASSWORD = `expect "~# "
exec "passwd [#USERNAME#]"
expect "New password:"
exec "[#NEW_PASSWORD#]"
expect "Retype new password:"
exec "[#NEW_PASSWORD#]"
expect "password updated successfully"
end
`;

describe('ssh executor: password changes on real Linux accounts', { skip }, () => {
  let lab: SshHosts;
  let first: SshHost;
  let second: SshHost;

  before(async () => {
    lab = await startSshHosts({
      count: 2,
      permitRootLogin: true,
      users: [
        { name: 'alice', password: ALICE_OLD },
        { name: 'bob', password: BOB_OLD },
        // Each host has its own /etc: root's password here is that host's alone.
        { name: 'root', password: ROOT },
      ],
    });
    [first, second] = lab.hosts as [SshHost, SshHost];
  });
  after(() => lab?.stop());

  it('a user changes their own password with passwd: the new one logs in, the old one no longer does', async () => {
    const next = password('Zw4n', NEW_STYLE);
    const masks = { CURRENT_PASSWORD: ALICE_OLD, NEW_PASSWORD: next };
    const result = await runSsh({ host: first, type: 'password_change', login: { username: 'alice', password: ALICE_OLD }, source: CHANGE_OWN_PASSWORD, masks });
    assert.equal(result.error, null, `${result.error?.message}\n${result.transcript}`);
    assert.match(result.transcript, /\[ssh\] line 4 exec: \[#CURRENT_PASSWORD#\]\n/, 'the transcript shows the mask, not the value');
    assert.match(result.transcript, /passwd: password updated successfully/);
    assert.equal(await canLogIn(first, { username: 'alice', password: next }), true);
    assert.equal(await canLogIn(first, { username: 'alice', password: ALICE_OLD }), false);
    assert.equal(await canLogIn(second, { username: 'alice', password: ALICE_OLD }), true, 'the other host keeps its own password');
    assertNothingLeaked(result, [ALICE_OLD, next]);
  });

  it('root changes another account\'s password the same way', async () => {
    const next = password('Xy7k', NEW_STYLE);
    const masks = { USERNAME: 'bob', NEW_PASSWORD: next };
    const result = await runSsh({ host: first, type: 'password_change', login: { username: 'root', password: ROOT }, source: ROOT_CHANGES_PASSWORD, masks });
    assert.equal(result.error, null, `${result.error?.message}\n${result.transcript}`);
    assert.match(result.transcript, /\[ssh\] line 2 exec: passwd bob\n/);
    assert.equal(await canLogIn(first, { username: 'bob', password: next }), true);
    assert.equal(await canLogIn(first, { username: 'bob', password: BOB_OLD }), false);
    assertNothingLeaked(result, [ROOT, BOB_OLD, next]);
  });

  it('a wrong current password fails with passwd\'s own message, and changes nothing', async () => {
    const wrong = password('n0t-4lice');
    const next = password('Vq2m', NEW_STYLE);
    const masks = { CURRENT_PASSWORD: wrong, NEW_PASSWORD: next };
    // PAM waits ~2 s before passwd reports the failure: the read timeout leaves room for it.
    const { error, ...result } = await runSshFailing(
      { host: second, type: 'password_change', login: { username: 'alice', password: ALICE_OLD }, source: CHANGE_OWN_PASSWORD, masks, timeouts: { readMs: 6000 } },
      'OST_EXEC_TIMEOUT',
    );
    assert.equal(error.kind, 'final', 'the password was typed: not retried blindly');
    assert.match(error.message, /^line 5: expect "New password:" saw no match within 6 s; last output: .*passwd: Authentication token manipulation error/);
    assert.equal(await canLogIn(second, { username: 'alice', password: ALICE_OLD }), true);
    assertNothingLeaked({ ...result, error }, [ALICE_OLD, wrong, next]);
  });

  it('verifyLogin says accepted for the right password and rejected for a wrong one', async () => {
    const device = { ...testDevice(second.address, second.port), hostKey: second.hostKey };
    assert.equal(await sshExecutor.verifyLogin?.({ device, username: 'bob', password: BOB_OLD }), 'accepted');
    assert.equal(await sshExecutor.verifyLogin?.({ device, username: 'bob', password: password('wrong') }), 'rejected');
  });
});
