import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Command } from 'commander';
import type { CliOutput } from '../../src/cli/cli-output.js';
import { registerMigrate } from '../../src/cli/commands/migrate.js';
import { registerOps } from '../../src/cli/commands/ops.js';
import { addGlobalOptions } from '../../src/cli/global-options.js';
import type { Engine } from '../../src/engine/index.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { localEngine, tempVault, waitForStatus } from '../engine/engine-harness.js';

/**
 * The ops commands run in-process against a real SQLite store and a real engine: commander
 * parses the arguments exactly as `bin/ostiary.js` would, and what a command prints is read
 * back through its output parameter.
 */
describe('ops commands', () => {
  let work: string;
  let dataDir: string;
  let store: Store;
  let engine: Engine | null = null;
  let cleanupVault: () => Promise<void>;

  async function ostiary(...args: string[]): Promise<string> {
    let printed = '';
    const output: CliOutput = { line: (text) => (printed += `${text}\n`), write: (text) => (printed += text) };
    const program = addGlobalOptions(new Command('ostiary').exitOverride().configureOutput({ writeErr: () => undefined }));
    registerMigrate(program, output);
    registerOps(program, output);
    await program.parseAsync([...args, '--data-dir', dataDir], { from: 'user' });
    return printed;
  }

  async function file(name: string, source: string): Promise<string> {
    const path = join(work, name);
    await writeFile(path, source);
    return path;
  }

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'ostiary-commands-'));
    dataDir = join(work, 'data');
    assert.equal(await ostiary('migrate'), 'migrations applied (sqlite)\n');
    store = await openStore({ url: join(dataDir, 'ostiary.db'), migrate: false });
    const temp = await tempVault();
    cleanupVault = temp.cleanup;
    engine = localEngine(store, temp.vault);
  });
  after(async () => {
    await engine?.stop({ drainMs: 100 });
    await store?.close();
    await cleanupVault?.();
    await rm(work, { recursive: true, force: true });
  });

  it('submit saves a template file as a new version each time and applies the options', async () => {
    const greet = await file('greet.sh', 'echo hi [#WHO#]\n');
    const first = (await ostiary('ops', 'submit', '--executor', 'local', '--template-file', greet, '--var', 'who=a', '--var', 'Extra=x=y',
      '--priority', '5', '--max-attempts', '12', '--timeout', '2.5')).trim();
    const op = await store.operations.get(first);
    assert.deepEqual(op?.variables, { WHO: 'a', EXTRA: 'x=y' });
    assert.equal(op?.priority, 5);
    assert.equal(op?.retryPolicy.maxAttempts, 12);
    assert.equal(op?.retryPolicy.hardLimit, 12);
    assert.equal(op?.timeouts.totalMs, 2_500);
    assert.equal(op?.requester.startsWith('cli:'), true);
    const template = await store.templates.getByName('greet');
    assert.equal(template?.id, op?.templateId);
    assert.equal(op?.templateVersion, 1);

    const second = await store.operations.get((await ostiary('ops', 'submit', '--executor', 'local', '--template-file', greet, '--var', 'WHO=b')).trim());
    assert.equal(second?.templateVersion, 2);
    const named = await store.operations.get((await ostiary('ops', 'submit', '--executor', 'local', '--template', 'greet', '--var', 'WHO=c')).trim());
    assert.equal(named?.templateVersion, 2, '--template runs the latest stored version');

    const json = JSON.parse(await ostiary('ops', 'submit', '--executor', 'local', '--template', 'greet', '--var', 'WHO=d', '--json')) as { status: string };
    assert.equal(json.status, 'scheduled');
  });

  it('submit resolves --device and --credential by name', async () => {
    const device = await store.devices.create({ name: 'web-1', address: '127.0.0.1' });
    const greet = await file('dev.sh', 'echo [#HOSTNAME#]\n');
    const id = (await ostiary('ops', 'submit', '--executor', 'local', '--template-file', greet, '--device', 'web-1')).trim();
    assert.equal((await store.operations.get(id))?.deviceId, device.id);
    await assert.rejects(ostiary('ops', 'submit', '--executor', 'local', '--template-file', greet, '--device', 'nope'),
      { code: 'OST_NOT_FOUND', message: '--device: no device named "nope"' });
    await assert.rejects(ostiary('ops', 'submit', '--executor', 'local', '--template-file', greet, '--device', 'web-1', '--credential', 'ghost'),
      { code: 'OST_NOT_FOUND', message: '--credential: no credential "ghost" on device "web-1"' });
  });

  it('list filters by status and prints JSON on request', async () => {
    const all = JSON.parse(await ostiary('ops', 'list', '--json')) as { id: string; status: string }[];
    assert.ok(all.length >= 4);
    const scheduled = JSON.parse(await ostiary('ops', 'list', '--json', '--status', 'scheduled')) as { status: string }[];
    assert.ok(scheduled.length > 0 && scheduled.every((op) => op.status === 'scheduled'));
    assert.equal(await ostiary('ops', 'list', '--status', 'expired,cancelled'), 'no operations\n');
    const limited = JSON.parse(await ostiary('ops', 'list', '--json', '--limit', '2')) as unknown[];
    assert.equal(limited.length, 2);
  });

  it('logs prints every attempt; restart, cancel and run-now change the status and say so', async () => {
    const failing = await file('flaky.sh', 'echo attempt\nexit 4\n');
    const failed = (await ostiary('ops', 'submit', '--executor', 'local', '--template-file', failing, '--max-attempts', '1')).trim();
    await engine?.start();
    await waitForStatus(store, failed, ['failed']);
    assert.equal(await ostiary('ops', 'restart', failed), `${failed}: Scheduled\n`);
    await waitForStatus(store, failed, ['failed']);
    const logs = await ostiary('ops', 'logs', failed);
    const block = '$ echo attempt\nattempt\n[exit 0]\n$ exit 4\n[exit 4]\n[ostiary] OST_EXEC_STEP_FAILED: line 2 exited with status 4\n';
    assert.equal(logs, `=== attempt 1 ===\n${block}=== attempt 1: failed (OST_EXEC_STEP_FAILED) ===\n=== attempt 2 ===\n${block}=== attempt 2: failed (OST_EXEC_STEP_FAILED) ===\n`);

    const slow = await file('slow.sh', 'sleep 30\n');
    const running = (await ostiary('ops', 'submit', '--executor', 'local', '--template-file', slow)).trim();
    await waitForStatus(store, running, ['running']);
    assert.equal(await ostiary('ops', 'cancel', running), `${running}: In execution (cancel requested)\n`);
    const followed = await ostiary('ops', 'logs', running, '-f', '--interval-ms', '50');
    assert.match(followed, /=== attempt 1: cancelled \(OST_EXEC_CANCELLED\) ===\n$/);
    assert.equal((await store.operations.get(running))?.status, 'cancelled');

    await engine?.stop({ drainMs: 100 });
    engine = null;
    const queued = (await ostiary('ops', 'submit', '--executor', 'local', '--template', 'greet', '--var', 'WHO=z')).trim();
    assert.equal(await ostiary('ops', 'run-now', queued), `${queued}: Scheduled\n`);
    assert.equal((await store.operations.get(queued))?.priority, 100);
    assert.match(await ostiary('ops', 'show', queued), /^priority:\s+100$/m);
    await assert.rejects(ostiary('ops', 'restart', queued), { code: 'OST_ILLEGAL_TRANSITION' });
  });

  it('rejects bad input with codes whose messages name the option', async () => {
    const greet = await file('bad.sh', 'true\n');
    const cases: [string[], string, RegExp][] = [
      [['--executor', 'telepathy', '--template-file', greet], 'OST_EXECUTOR_UNKNOWN', /^--executor: no executor named "telepathy" \(known: local/],
      [['--executor', 'local', '--template', 'greet', '--var', 'novalue'], 'OST_VALIDATION', /^--var: expected KEY=VALUE/],
      [['--executor', 'local', '--template', 'greet', '--var', '1X=2'], 'OST_VALIDATION', /^--var: /],
      [['--executor', 'local', '--template', 'greet', '--max-attempts', '0'], 'OST_VALIDATION', /^--max-attempts: expected an integer of at least 1/],
      [['--executor', 'local', '--template', 'greet', '--timeout', '-3'], 'OST_VALIDATION', /^--timeout: expected a number of seconds/],
      [['--executor', 'local'], 'OST_VALIDATION', /^--template: expected --template NAME or --template-file FILE$/],
      [['--executor', 'local', '--template', 'missing'], 'OST_NOT_FOUND', /^--template: no template named "missing"$/],
      [['--executor', 'local', '--template-file', join(work, 'absent.sh')], 'OST_VALIDATION', /^--template-file: cannot read .* \(ENOENT\)$/],
      [['--executor', 'local', '--credential', 'x', '--template', 'greet'], 'OST_VALIDATION', /^--credential: needs --device$/],
    ];
    for (const [args, code, message] of cases) {
      await assert.rejects(ostiary('ops', 'submit', ...args), { code, message }, args.join(' '));
    }
    await assert.rejects(ostiary('ops', 'list', '--status', 'sleeping'), { code: 'OST_VALIDATION', message: /^--status: expected one of waiting_approval, / });
    await assert.rejects(ostiary('ops', 'cancel', 'nope'), { code: 'OST_NOT_FOUND' });
  });
});
