import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ApiHarness } from './api-harness.js';

const BIN = fileURLToPath(new URL('../../bin/ostiary.js', import.meta.url));

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

describe('the CLI as an API client (sqlite)', () => {
  const canary = `CLI-CANARY-${randomBytes(8).toString('hex')}`;
  let api: ApiHarness;
  let home: string;
  let url: string;
  const outputs: string[] = [];

  /** Runs `ostiary …` in a child process; `input` goes to its stdin (never an argument). */
  function ostiary(args: string[], input = '', env: Record<string, string> = {}): Promise<Run> {
    return new Promise((resolve) => {
      const child = execFile(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: join(home, 'config'), OSTIARY_URL: url, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
        outputs.push(stdout, stderr);
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
      });
      child.stdin?.end(input);
    });
  }
  const local = () => ['--db', api.fresh.url, '--data-dir', api.dataDir];

  before(async () => {
    api = await ApiHarness.start('sqlite', { passwordHash: undefined });
    api.clock.now = Date.now();
    home = await mkdtemp(join(tmpdir(), 'ostiary-cli-'));
    url = await api.app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await api?.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('creates the first admin locally, printing its generated password once, and only once', async () => {
    const first = await ostiary([...local(), 'users', 'create-admin', '--username', 'boss'], '', { OSTIARY_URL: '' });
    assert.equal(first.code, 0, first.stderr);
    const password = /password: (\S+)/.exec(first.stdout)?.[1];
    assert.ok(password && password.length >= 20);
    const second = await ostiary([...local(), 'users', 'create-admin', '--username', 'boss2'], '', { OSTIARY_URL: '' });
    assert.equal(second.code, 1);
    assert.match(second.stderr, /^OST_CONFLICT: an admin exists already/);
    const login = await ostiary(['login', '--username', 'boss'], `${password}\n`);
    assert.equal(login.code, 0, login.stderr);
    const file = join(home, 'config', 'ostiary', 'login.json');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.equal((await stat(join(home, 'config', 'ostiary'))).mode & 0o777, 0o700);
  });

  it('manages devices and credentials with tables by default and JSON for scripts', async () => {
    const created = await ostiary(['devices', 'create', '--name', 'db-01', '--address', '10.0.0.1', '--tag', 'prod', '--json']);
    assert.equal(created.code, 0, created.stderr);
    const device = JSON.parse(created.stdout) as { id: string; tags: string[] };
    assert.deepEqual(device.tags, ['prod']);
    const table = await ostiary(['devices', 'list']);
    assert.match(table.stdout, /^ID\s+NAME\s+ADDRESS/);
    assert.match(table.stdout, /db-01\s+10\.0\.0\.1:22/);
    const credential = await ostiary(['credentials', 'create', '--device', device.id, '--username', 'root', '--json'], `${canary}\n`);
    assert.equal(credential.code, 0, credential.stderr);
    const { id, hasSecret } = JSON.parse(credential.stdout) as { id: string; hasSecret: boolean };
    assert.equal(hasSecret, true);
    const reveal = await ostiary(['credentials', 'reveal', id, '--reason', 'cli test']);
    assert.equal(reveal.stdout.trim(), canary);
    const outside = outputs.filter((text) => text !== reveal.stdout).join('\n');
    assert.ok(!outside.includes(canary), 'the secret shows only in the reveal');
  });

  it('reports errors as CODE: message and a non-zero exit', async () => {
    const missing = await ostiary(['devices', 'show', '00000000-0000-4000-8000-000000000000']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^OST_NOT_FOUND: device/);
  });

  it('saves templates through the API', async () => {
    const file = join(home, 'restart.tpl');
    await writeFile(file, 'exec "systemctl restart [#SERVICE#]"\n');
    const created = await ostiary(['templates', 'create', file, '--name', 'restart', '--type', 'task']);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /restart version 1 saved/);
    const [stored] = (await api.store.templates.list()).items;
    assert.equal(stored?.name, 'restart');
  });

  it('runs `ops` through the API when OSTIARY_URL is set', async () => {
    const submitted = await ostiary(['ops', 'submit', '--template', 'restart', '--device', 'db-01', '--var', 'service=backup']);
    assert.equal(submitted.code, 0, submitted.stderr);
    const id = submitted.stdout.trim();
    const operation = await api.store.operations.get(id);
    assert.deepEqual([operation?.requester, operation?.variables], ['boss', { SERVICE: 'backup' }]);
    const listed = await ostiary(['ops', 'list', '--status', 'scheduled', '--json']);
    assert.deepEqual((JSON.parse(listed.stdout) as { id: string }[]).map((item) => item.id), [id]);
    const cancelled = await ostiary(['ops', 'cancel', id]);
    assert.equal(cancelled.stdout.trim(), `${id}: Cancelled`);
  });

  it('verifies the audit chain locally and through the API, and lists events', async () => {
    const localRun = await ostiary([...local(), 'audit', 'verify'], '', { OSTIARY_URL: '' });
    assert.equal(localRun.code, 0, localRun.stderr);
    assert.match(localRun.stdout, /audit chain intact: \d+ events/);
    const viaApi = await ostiary(['audit', 'verify', '--api', '--json']);
    assert.equal((JSON.parse(viaApi.stdout) as { ok: boolean }).ok, true);
    const events = await ostiary(['audit', 'events', '--action', 'credential.reveal']);
    assert.match(events.stdout, /credential\.reveal/);
    assert.match(events.stdout, /cli test/);
  });

  it('logout revokes the token and forgets it', async () => {
    const out = await ostiary(['logout']);
    assert.equal(out.code, 0, out.stderr);
    const after = await ostiary(['devices', 'list']);
    assert.match(after.stderr, /^OST_AUTH_REQUIRED/);
  });
});
