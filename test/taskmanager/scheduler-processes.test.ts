import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { Store } from '../../src/store/store.js';
import { ScheduleService } from '../../src/taskmanager/schedule/schedule-service.js';
import { TaskService } from '../../src/taskmanager/task/task-service.js';
import { ManualClock } from '../store/fixtures.js';
import { freshStore, postgresSkip, withRawDatabase, type FreshStore } from '../support/stores.js';
import { admin, allowOperator, operator, seed, taskInput } from './task-manager-fixtures.js';

const CHILD = fileURLToPath(new URL('./scheduler-child.ts', import.meta.url));
const HOUR = 3_600_000;
const PROCESSES = 3;
const FIRES = 8;

interface Child {
  readonly process: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<unknown>;
}

function startChild(url: string, ticks: readonly number[]): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, url, JSON.stringify(ticks)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return { process: child, output: () => output, exited: once(child, 'exit') };
}

async function waitFor(child: Child, pattern: RegExp, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(child.output())) {
    if (child.process.exitCode !== null) throw new Error(`scheduler process exited early:\n${child.output()}`);
    if (Date.now() > deadline) throw new Error(`scheduler process silent after ${timeoutMs} ms:\n${child.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('several server processes share one PostgreSQL database', { skip: await postgresSkip() }, () => {
  const clock = new ManualClock();
  let fresh: FreshStore;
  let store: Store;
  const children: Child[] = [];
  const scheduleIds: string[] = [];

  before(async () => {
    fresh = await freshStore('postgres', { clock: clock.read });
    store = fresh.store;
    const seeded = await seed(store);
    await allowOperator(store, { reasonRequired: false, approvalsRequired: 0 });
    const deps = { store, clock: clock.read };
    const tasks = new TaskService(deps);
    const schedules = new ScheduleService(deps);
    const rules = [
      { kind: 'cron', expression: '0 * * * *', timeZone: 'UTC' },
      { kind: 'cron', expression: '30 * * * *', timeZone: 'America/Sao_Paulo' },
      { kind: 'weekly', weekdays: [1, 2, 3, 4, 5, 6, 7], hours: [...Array(24).keys()], timeZone: 'Europe/Berlin' },
    ];
    for (const [index, rule] of rules.entries()) {
      const task = await tasks.create(taskInput(seeded, 'rsync', { name: `Fired ${index}` }), admin);
      const schedule = await schedules.create(task.id, operator, { rule });
      assert.equal(schedule.approval.state, 'approved');
      scheduleIds.push(schedule.id);
    }
  });

  after(async () => {
    for (const child of children) if (child.process.exitCode === null) child.process.kill('SIGKILL');
    await Promise.all(children.map((child) => child.exited));
    await fresh?.cleanup();
  });

  it(`${PROCESSES} schedulers racing over ${FIRES} hours create exactly one run per fire`, async () => {
    // Every process makes a pass twice per hour, at the same instants, all at once.
    const ticks = Array.from({ length: FIRES * 2 }, (_, i) => clock.now + (i + 1) * (HOUR / 2) + 60_000);
    for (let i = 0; i < PROCESSES; i += 1) children.push(startChild(fresh.url, ticks));
    await Promise.all(children.map((child) => waitFor(child, /^ready$/m)));
    for (const child of children) child.process.stdin?.end('go\n');
    await Promise.all(children.map((child) => waitFor(child, /^\{.*\}$/m, 180_000)));
    const results = children.map((child) => JSON.parse(/^(\{.*\})$/m.exec(child.output())?.[1] ?? '{}') as { created: string[]; errors: string[] });
    assert.deepEqual(results.flatMap((result) => result.errors), []);

    const fires = await withRawDatabase(fresh.url, async (raw) => (await sql<{ schedule_id: string; fire_at: number; outcome: string; runs: number }>`
      select f.schedule_id, f.fire_at, f.outcome, (select count(*)::int from runs r where r.schedule_id = f.schedule_id and r.fire_at = f.fire_at) as runs
      from schedule_fires f order by f.schedule_id, f.fire_at`.execute(raw.db)).rows);
    const created = results.flatMap((result) => result.created);
    const runs = await store.taskManager.runs.list({ origin: 'scheduled' }, { limit: 1000 });

    assert.equal(fires.length, scheduleIds.length * FIRES, 'every fire handled');
    assert.ok(fires.every((fire) => fire.outcome === 'run' && fire.runs === 1), 'each fire has exactly one run');
    assert.equal(runs.items.length, scheduleIds.length * FIRES);
    assert.equal(new Set(created).size, created.length, 'no run reported by two processes');
    assert.deepEqual([...created].sort(), runs.items.map((run) => run.id).sort());
    const perFire = new Set(runs.items.map((run) => `${run.scheduleId}@${run.fireAt}`));
    assert.equal(perFire.size, runs.items.length, 'no (schedule, fire) has two runs');
    const operations = await store.operations.list({ requester: 'Task Manager – Scheduler' }, { limit: 1000 });
    assert.equal(operations.items.length, runs.items.length * 3, 'one operation per device per run');
    console.log(`runs created per process: ${results.map((result) => result.created.length).join(', ')}`);
  });
});
