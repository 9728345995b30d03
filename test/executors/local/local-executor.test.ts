import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_RETRY_POLICY, DEFAULT_TIMEOUTS } from '../../../src/domain/index.js';
import type { Operation } from '../../../src/domain/index.js';
import { ExecutorError } from '../../../src/executors/executor.js';
import type { ExecutionContext } from '../../../src/executors/executor.js';
import { LocalExecutor } from '../../../src/executors/local/local-executor.js';

/** A context as the engine would build it, with the transcript kept in memory. */
function contextFor(source: string, masks: Record<string, string> = {}, signal = new AbortController().signal) {
  const chunks: string[] = [];
  const context: ExecutionContext = {
    operation: { id: 'op-1', retryPolicy: DEFAULT_RETRY_POLICY, timeouts: DEFAULT_TIMEOUTS } as Operation, // fields the executor reads
    template: { templateId: 't', version: 1, source, author: 'test', createdAt: 0 },
    device: null,
    credential: null,
    masks,
    login: null,
    timeouts: DEFAULT_TIMEOUTS,
    signal,
    transcript: { write: (text) => void chunks.push(text) },
    pinHostKey: async (key) => key,
  };
  return { context, transcript: () => chunks.join('') };
}

async function runFailing(source: string, masks: Record<string, string> = {}): Promise<{ error: ExecutorError; transcript: string }> {
  const { context, transcript } = contextFor(source, masks);
  try {
    await new LocalExecutor().run(context);
  } catch (error) {
    assert.ok(error instanceof ExecutorError, `expected an ExecutorError, got ${String(error)}`);
    return { error, transcript: transcript() };
  }
  assert.fail('expected the run to fail');
}

async function isAlive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  return stat !== null && !/^\d+ \(.*\) [ZX]/s.test(stat);
}

describe('local executor', () => {
  let work: string;
  before(async () => (work = await mkdtemp(join(tmpdir(), 'ostiary-local-'))));
  after(async () => rm(work, { recursive: true, force: true }));

  it('runs each line in its own shell and writes "$ line", the output, then "[exit N]"', async () => {
    const { context, transcript } = contextFor('# comment\nX=1; echo set\n\necho ${X:-unset}\nprintf no-newline\n');
    const outcome = await new LocalExecutor().run(context);
    assert.equal(outcome.summary, '3 lines, exit 0');
    assert.equal(transcript(), '$ X=1; echo set\nset\n[exit 0]\n$ echo ${X:-unset}\nunset\n[exit 0]\n$ printf no-newline\nno-newline\n[exit 0]\n');
  });

  it('gives each line a minimal environment: PATH, HOME and LANG=C, nothing inherited', async () => {
    process.env.OSTIARY_TEST_INHERITED = 'must-not-pass';
    try {
      const { context, transcript } = contextFor('env\n');
      await new LocalExecutor().run(context);
      const names = transcript().split('\n').filter((line) => /^[A-Z_]+=/.test(line)).map((line) => line.split('=')[0]);
      assert.deepEqual(names.filter((name) => !['PWD', 'SHLVL', '_', 'OLDPWD'].includes(name ?? '')).sort(), ['HOME', 'LANG', 'PATH']);
      assert.match(transcript(), /^LANG=C$/m);
      assert.ok(!transcript().includes('must-not-pass'));
    } finally {
      delete process.env.OSTIARY_TEST_INHERITED;
    }
  });

  it('never puts mask values in a process argument list or environment', async () => {
    const secret = `Sekret-${Date.now()}-argv`;
    const { context } = contextFor('test -n "[#SECRET#]" && sleep 1.5\n', { SECRET: secret });
    const running = new LocalExecutor().run(context);
    await sleep(500);
    const leaks: string[] = [];
    for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
      for (const file of ['cmdline', 'environ']) {
        const content = await readFile(`/proc/${pid}/${file}`).catch(() => Buffer.alloc(0));
        if (content.includes(secret)) leaks.push(`${pid}/${file}`);
      }
    }
    await running;
    assert.deepEqual(leaks, []);
  });

  it('fills masks so that a value stays literal text in any quoting context', async () => {
    const marker = join(work, 'injected');
    const hostile = `x'"$(touch ${marker})\`touch ${marker}\`; touch ${marker} \\`;
    const { context, transcript } = contextFor(
      'printf "<%s>\\n" [#V#]\nprintf "<%s>\\n" "[#V#]"\nprintf "<%s>\\n" \'[#V#]\'\nprintf "<%s>\\n" pre-[#V#]-post\n',
      { V: hostile },
    );
    await new LocalExecutor().run(context);
    const printed = transcript().split('\n').filter((line) => line.startsWith('<'));
    assert.deepEqual(printed, [`<${hostile}>`, `<${hostile}>`, `<${hostile}>`, `<pre-${hostile}-post>`]);
    await assert.rejects(readFile(marker), { code: 'ENOENT' });
  });

  it('fails final on a non-zero exit, naming the line, and runs no later line', async () => {
    const { error, transcript } = await runFailing('true\n\nexit 2\necho after\n');
    assert.equal(error.kind, 'final');
    assert.equal(error.code, 'OST_EXEC_STEP_FAILED');
    assert.equal(error.message, 'line 3 exited with status 2');
    assert.ok(transcript.endsWith('$ exit 2\n[exit 2]\n'));
  });

  it('treats exit 75 (EX_TEMPFAIL) as retryable', async () => {
    const { error } = await runFailing('exit 75\n');
    assert.equal(error.kind, 'retryable');
    assert.equal(error.code, 'OST_EXEC_STEP_FAILED');
    assert.match(error.message, /^line 1 exited with status 75/);
  });

  it('refuses to start when a mask has no value, before any line runs', async () => {
    const marker = join(work, 'unfilled');
    const { context } = contextFor(`touch ${marker}\necho [#NOPE#]\n`);
    await assert.rejects(new LocalExecutor().run(context), { code: 'OST_MASK_UNFILLED' });
    await assert.rejects(readFile(marker), { code: 'ENOENT' });
  });

  it('refuses device settings it does not know, naming the field', async () => {
    const { context } = contextFor('true\n');
    await assert.rejects(new LocalExecutor().run({ ...context, executorConfig: { shell: '/bin/bash' } }), { code: 'OST_VALIDATION', message: /^executorConfig/ });
  });

  it('kills the whole process group when aborted', async () => {
    const pidFile = join(work, 'abort.pid');
    const controller = new AbortController();
    const { context, transcript } = contextFor(`sleep 60 & echo $! > ${pidFile}; wait\necho after\n`, {}, controller.signal);
    const running = new LocalExecutor().run(context);
    let pid = 0;
    while (pid === 0) pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim()) || (await sleep(20), 0);
    assert.equal(await isAlive(pid), true);
    controller.abort();
    await assert.rejects(running, { code: 'OST_EXEC_CANCELLED' });
    for (let i = 0; i < 100 && (await isAlive(pid)); i += 1) await sleep(20);
    assert.equal(await isAlive(pid), false);
    assert.ok(transcript().endsWith('[stopped]\n'));
  });
});
