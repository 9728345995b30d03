import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openStore } from '../../src/store/open-store.js';
import { startWorkerProcess, type WorkerProcess } from '../engine/worker-processes.js';
import { runOstiary } from './cli-runner.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The CLI end to end, as real processes on a fresh data directory. Each process costs a
 * couple of seconds of start-up (tsx), so the finer behaviour of each command is tested
 * in-process in commands.test.ts.
 */
describe('ostiary CLI processes', () => {
  let work: string;
  let dataDir: string;
  let templateFile: string;
  const workers: WorkerProcess[] = [];
  const cli = (...args: string[]) => runOstiary([...args, '--data-dir', dataDir]);

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'ostiary-cli-'));
    dataDir = join(work, 'data');
    templateFile = join(work, 'greet.txt');
    await writeFile(templateFile, '# greets someone\necho hello [#WHO#]\n');
  });
  after(async () => {
    for (const worker of workers) await worker.kill9().catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  });

  it('migrate creates the data directory and the database', async () => {
    const result = await cli('migrate');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), 'migrations applied (sqlite)');
    assert.ok((await stat(join(dataDir, 'ostiary.db'))).isFile());
  });

  it('ops submit, list, show, and a worker with ops logs -f following the run to its end', async () => {
    const submitted = await cli('ops', 'submit', '--executor', 'local', '--template-file', templateFile, '--var', 'who=world');
    assert.equal(submitted.code, 0, submitted.stderr);
    const id = submitted.stdout.trim();
    assert.match(id, UUID);

    const [list, show] = await Promise.all([cli('ops', 'list'), cli('ops', 'show', id)]);
    assert.equal(list.code, 0, list.stderr);
    const lines = list.stdout.trim().split('\n');
    assert.match(lines[0] ?? '', /^ID\s+STATUS\s+TYPE\s+EXECUTOR\s+ATTEMPTS\s+CREATED\s+LAST ERROR$/);
    assert.match(lines[1] ?? '', new RegExp(`^${id}\\s+Scheduled\\s+task\\s+local\\s+0\\s`));
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /^status:\s+Scheduled \(scheduled\)$/m);
    assert.match(show.stdout, /^variables:\s+\{"WHO":"world"\}$/m);

    const [worker, logs] = await Promise.all([
      startWorkerProcess(join(dataDir, 'ostiary.db'), dataDir),
      cli('ops', 'logs', id, '-f', '--interval-ms', '100'),
    ]);
    workers.push(worker);
    assert.equal(logs.code, 0, logs.stderr);
    assert.equal(logs.stdout, '=== attempt 1 ===\n$ echo hello world\nhello world\n[exit 0]\n=== attempt 1: succeeded ===\n');

    const [after, done] = await Promise.all([cli('ops', 'show', id), cli('ops', 'list', '--status', 'succeeded')]);
    assert.match(after.stdout, /^status:\s+Successfully completed \(succeeded\)$/m);
    assert.match(after.stdout, /^1\s+succeeded\s+\S+\s+\S+\s+\S+\s+1 line, exit 0$/m);
    assert.match(done.stdout, new RegExp(`^${id}\\s+Successfully completed\\s`, 'm'));
    assert.equal(await worker.stop(), 0, 'the worker exits cleanly on SIGTERM');
    const store = await openStore({ url: join(dataDir, 'ostiary.db'), migrate: false });
    try {
      assert.deepEqual((await store.operations.list({ status: ['running'] })).items, []);
    } finally {
      await store.close();
    }
  });

  it('reports an error as "CODE: message" on stderr and exits 1', async () => {
    const [missing, badOption] = await Promise.all([
      cli('ops', 'show', 'no-such-id'),
      cli('ops', 'submit', '--executor', 'local', '--template', 'greet', '--priority', 'high'),
    ]);
    assert.equal(missing.code, 1);
    assert.equal(missing.stdout, '');
    assert.equal(missing.stderr.trim(), 'OST_NOT_FOUND: operation: no operation "no-such-id"');
    assert.equal(badOption.code, 1);
    assert.equal(badOption.stderr.trim(), 'OST_VALIDATION: --priority: expected an integer of at least -1000000, got "high"');
  });
});
