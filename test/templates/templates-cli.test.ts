import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real `ostiary` binary, as a user would. */
function ostiary(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/ostiary.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// Each run starts a Node process; they are independent, so they run side by side.
describe('ostiary templates lint', { concurrency: true }, () => {
  let dir = '';
  const file = (name: string): string => join(dir, name);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ostiary-lint-'));
    await writeFile(file('passwd.ssh'), 'expect "*$"\nexec "passwd"\nexpect "*urrent*assword:"\nexec "[#CURRENT_PASSWORD#]"\nexpect "*ew*assword:"\nexec "[#NEW_PASSWORD#]"\nexpect "*etype*ew*assword:"\nexec "[#NEW_PASSWORD#]"\nexpect "*updated successfully*"\nend\n');
    await writeFile(file('restart.ssh'), '# Restart a service\r\nset-read-timeout 15\r\nexpect "*$"\r\nexec "sudo service [#SERVICE#] restart"\r\nexpect "*$"\r\nend\r\n');
    await writeFile(file('broken.ssh'), 'expect "*$"\nexec "echo [#NEW_PASSWORD#] | chpasswd\n  exce "ls"\n');
    await writeFile(file('secret.sh'), 'echo [#NEW_PASSWORD#] | chpasswd\n');
    await writeFile(file('rotate.sql'), "ALTER ROLE [#USERNAME#] WITH PASSWORD '[#NEW_PASSWORD#]';\n");
    await writeFile(file('broken.sql'), "SELECT '[#TICKET#]';\nALTER ROLE x WITH PASSWORD [#NEW_PASSWORD#];\n");
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 0 and prints nothing for a clean template', async () => {
    const run = await ostiary('templates', 'lint', '--type', 'password_change', file('passwd.ssh'));
    assert.deepEqual(run, { code: 0, stdout: '', stderr: '' });
  });

  it('exits 0 with warnings printed as file:line:col: warning: message [rule]', async () => {
    const run = await ostiary('templates', 'lint', file('restart.ssh'));
    assert.equal(run.code, 0);
    assert.equal(run.stdout, `${file('restart.ssh')}:4:20: warning: [#SERVICE#] is not a built-in mask: it must come from a task variable or a credential field (declare it with #@var SERVICE "pattern" "label") [unknown-mask]\n`);
  });

  it('exits 1 when a file has an error, printing every finding of every file in order', async () => {
    const run = await ostiary('templates', 'lint', '--type', 'password_change', file('passwd.ssh'), file('broken.ssh'));
    assert.equal(run.code, 1);
    const lines = run.stdout.trimEnd().split('\n');
    assert.deepEqual(lines.map((line) => line.replace(/: .*\[/, ' [')), [
      `${file('broken.ssh')}:2:1 [missing-final-check]`,
      `${file('broken.ssh')}:2:6 [unclosed-quote]`,
      `${file('broken.ssh')}:2:7 [secret-in-shell]`,
      `${file('broken.ssh')}:3:3 [unknown-command]`,
    ]);
    assert.match(lines[3] ?? '', /:3:3: error: unknown command "exce"; did you mean exec\?/);
  });

  it('checks the local dialect when asked', async () => {
    const run = await ostiary('templates', 'lint', '--dialect', 'local', file('secret.sh'));
    assert.equal(run.code, 1);
    assert.match(run.stdout, /secret\.sh:1:1: error: .*\[secret-in-shell\]\n$/);
  });

  it('checks the postgres dialect when asked', async () => {
    const clean = await ostiary('templates', 'lint', '--dialect', 'postgres', '--type', 'password_change', file('rotate.sql'));
    assert.deepEqual(clean, { code: 0, stdout: '', stderr: '' });
    const broken = await ostiary('templates', 'lint', '--dialect', 'postgres', file('broken.sql'));
    assert.equal(broken.code, 1);
    assert.deepEqual(broken.stdout.trimEnd().split('\n').map((line) => line.replace(/: .*\[/, ' [')), [
      `${file('broken.sql')}:1:9 [unknown-mask]`,
      `${file('broken.sql')}:2:28 [secret-mask-as-identifier]`,
    ]);
    assert.match(broken.stdout, /broken\.sql:2:28: error: \[#NEW_PASSWORD#\] is a secret: put it inside a '…' string literal/);
  });

  it('exits 2 for a missing file, still linting the others', async () => {
    const run = await ostiary('templates', 'lint', file('nope.ssh'), file('broken.ssh'));
    assert.equal(run.code, 2);
    assert.match(run.stderr, /cannot read .*nope\.ssh \(ENOENT\)/);
    assert.match(run.stdout, /broken\.ssh:3:3: error/);
  });

  it('exits 2 for usage errors: no file, an unknown dialect or type', async () => {
    const cases = [[], ['--dialect', 'telnet', file('passwd.ssh')], ['--type', 'rotation', file('passwd.ssh')]];
    const runs = await Promise.all(cases.map((args) => ostiary('templates', 'lint', ...args)));
    runs.forEach((run, index) => {
      assert.equal(run.code, 2, cases[index]?.join(' '));
      assert.match(run.stderr, /error: /);
    });
  });
});
