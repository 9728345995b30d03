import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { RetryableExecutorError } from '../../../src/executors/executor.js';
import { requireSshHosts, startSshHosts } from '../../support/ssh-hosts.js';
import type { SshHost, SshHosts } from '../../support/ssh-hosts.js';
import { assertNothingLeaked, runSsh, runSshFailing } from './ssh-run.js';

const skip = await requireSshHosts();
const ALICE = { username: 'alice', password: 'Al1ce#Task-pass' };

/** The example task of the reference manual: restart the service named by a task variable. */
const RESTART_SERVICE = `# Restart a service (task variable SERVICE)
expect "*$"
exec "service [#SERVICE#] restart"
expect "*$"
end
`;

describe('ssh executor: tasks on a real sshd', { skip }, () => {
  let lab: SshHosts;
  let host: SshHost;

  before(async () => {
    lab = await startSshHosts({
      users: [{ name: 'alice', password: ALICE.password }],
      // Prints the bytes of one line read with CR left as it is (-icrnl), in hex.
      commands: { showline: 'stty -icrnl; echo ready; IFS= read -r line; printf "%s" "$line" | od -An -tx1; stty icrnl' },
    });
    host = lab.hosts[0] as SshHost;
  });
  after(() => lab?.stop());

  for (const service of ['rsync', 'mysql']) {
    it(`runs the manual's example with SERVICE=${service}: the transcript shows the command, then its output`, async () => {
      const result = await runSsh({ host, login: ALICE, source: RESTART_SERVICE, masks: { SERVICE: service } });
      assert.equal(result.error, null, result.error?.message);
      assert.equal(result.outcome?.summary, `4 steps on ${host.address}:${host.port}`);
      const sent = result.transcript.indexOf(`[ssh] line 3 exec: service ${service} restart\n`);
      const output = result.transcript.indexOf(`Restarting ${service} ... done`);
      assert.ok(sent >= 0 && output > sent, result.transcript);
      assert.match(result.transcript, /\[ssh\] session closed after 4 steps\n$/);
      assert.ok(!result.transcript.includes('\r') && !result.transcript.includes('\x1b'), 'no carriage returns or escape sequences in the transcript');
      assertNothingLeaked(result, [ALICE.password]);
    });
  }

  it('no-expect fails the run when the output since the last send shows the pattern', async () => {
    const source = `expect "*$"\nexec "service [#SERVICE#] restart"\nexpect "*$"\nno-expect "unrecognized service"\nend\n`;
    const { error } = await runSshFailing({ host, login: ALICE, source, masks: { SERVICE: 'nosuchd' } }, 'OST_EXEC_STEP_FAILED');
    assert.equal(error.kind, 'final');
    assert.match(error.message, /^line 4: no-expect "unrecognized service" found the pattern/);
    assert.match(error.message, /nosuchd: unrecognized service/, 'the error quotes the output');
  });

  it('set-new-line-mode windows makes exec send CR LF', async () => {
    const source = `expect "*$"\nexec "showline"\nexpect "ready"\nset-new-line-mode windows\nexec "abc"\nexpect "*$"\nend\n`;
    const result = await runSsh({ host, login: ALICE, source });
    assert.equal(result.error, null, result.error?.message);
    assert.match(result.transcript, / 61 62 63 0d\n/, 'the line read was "abc\\r": CR sent before the LF');
  });

  it('expect-regex matches real output with its flags', async () => {
    const source = `expect "*$"\nexec "echo Result=42"\nexpect "Result="\nexpect-regex "/^RESULT=(\\d+)\\r?$/im"\nend\n`;
    const result = await runSsh({ host, login: ALICE, source });
    assert.equal(result.error, null, result.error?.message);
  });

  it('expect ignores colour escape sequences in the output', async () => {
    const source = `expect "*$"\nexec "printf '\\033[1;31mALERT\\033[0m:%s\\n' disk"\nexpect "ALERT:disk"\nend\n`;
    const result = await runSsh({ host, login: ALICE, source });
    assert.equal(result.error, null, `${result.error?.message}\n${result.transcript}`);
    assert.match(result.transcript, /^ALERT:disk$/m);
  });

  it('an expect that never matches fails after the read timeout, quoting the last output; retryable before anything was sent', async () => {
    const source = `set-read-timeout 1\nexpect "no such prompt>"\nend\n`;
    const { error } = await runSshFailing({ host, login: ALICE, source }, 'OST_EXEC_TIMEOUT');
    assert.ok(error instanceof RetryableExecutorError);
    assert.match(error.message, /^line 2: expect "no such prompt>" saw no match within 1 s; last output: ".*alice@host-1:~\$ "$/);
  });

  it('the same timeout after a command was sent is final: the command may have run', async () => {
    const source = `expect "*$"\nexec "echo step-one-done"\nset-read-timeout 1\nexpect "never printed"\nend\n`;
    const { error } = await runSshFailing({ host, login: ALICE, source }, 'OST_EXEC_TIMEOUT');
    assert.equal(error.kind, 'final');
    assert.match(error.message, /saw no match within 1 s; last output: ".*step-one-done.*"/);
    assert.match(error.message, /not retried: text was already sent/);
  });

  it('a session the target closes under a waiting expect fails with what was received', async () => {
    const source = `expect "*$"\nexec "echo bye; exit"\nexpect "never printed"\nend\n`;
    const { error } = await runSshFailing({ host, login: ALICE, source }, 'OST_EXEC_CONNECT');
    assert.equal(error.kind, 'final');
    assert.match(error.message, /^line 3: expect "never printed" was waiting when the target closed the session; last output: ".*bye/);
  });

  it('an unfilled mask fails before anything connects', async () => {
    const result = await runSshFailing({ host, login: ALICE, source: RESTART_SERVICE, masks: {}, hostKey: null }, 'OST_MASK_UNFILLED');
    assert.equal(result.error.message, 'no value for [#SERVICE#] on line 3');
    assert.deepEqual(result.pinned, [], 'no host key was seen: nothing connected');
    assert.equal(result.transcript, '');
  });

  it('a template with a syntax error fails before anything connects', async () => {
    const result = await runSshFailing({ host, login: ALICE, source: 'expect "*$"\nexecute "ls"\n', hostKey: null }, 'OST_TEMPLATE_PARSE');
    assert.match(result.error.message, /^template line 2, column 1: unknown command "execute"/);
    assert.deepEqual(result.pinned, []);
  });

  it('cancelling through the abort signal closes the session at once, ending the remote command', async () => {
    const controller = new AbortController();
    const source = `expect "*$"\nexec "sleep 613"\nset-read-timeout 600\nexpect "never printed"\nend\n`;
    const running = runSsh({ host, login: ALICE, source, signal: controller.signal });
    await eventually(async () => (await lab.runAs(host, 'pgrep -f "^sleep 61[3]$"', { check: false })).code === 0, 'sleep 613 to start on the host');
    controller.abort('cancelled');
    const result = await running;
    assert.equal(result.error?.code, 'OST_EXEC_CANCELLED', result.error?.message);
    assert.equal(result.error?.kind, 'final');
    await eventually(async () => (await lab.runAs(host, 'pgrep -f "^sleep 61[3]$"', { check: false })).code === 1, 'the remote sleep to end with the session');
  });
});

/** Polls `condition` until it holds (a deadline, not a timing assertion). */
async function eventually(condition: () => Promise<boolean>, what: string, deadlineMs = 10_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(50);
  }
}
