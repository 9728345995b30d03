import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { DEFAULT_ACCESS_RULES, RunService, SCHEDULER_REQUESTER, ScheduleService, TaskService } from '../../src/taskmanager/index.js';
import { openVault } from '../../src/vault/index.js';
import { startOstiary } from '../cli/cli-runner.js';
import { admin } from './task-manager-fixtures.js';
import { freePort } from '../support/free-port.js';

const HOUR = 3_600_000;
const SECRET = 'Sched#Secret-4410-never-shown';


/**
 * Schedules fire in production: a schedule approved 2.5 hours ago with an hourly rule is due
 * when a real `ostiary start` comes up. Its scheduler, started with the engine, runs the
 * latest fire (inside the 1 h grace window) once, records the older ones as missed, and the
 * engine then executes the run's operation.
 */
describe('ostiary start fires a due schedule', () => {
  let work: string;
  let dataDir: string;
  let scheduleId: string;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'ostiary-schedule-start-'));
    dataDir = join(work, 'data');
    const vault = await openVault({ dataDir, masterKey: null });
    // The schedule is made "in the past": its fires between then and now are due.
    const past = Date.now() - 2.5 * HOUR;
    const store = await openStore({ url: join(dataDir, 'ostiary.db'), migrate: true, clock: () => past });
    try {
      const device = await store.devices.create({ name: 'local-1', address: '127.0.0.1' });
      const credential = await store.credentials.create({ deviceId: device.id, username: 'svc', secret: vault.seal(SECRET) });
      const { template } = await store.templates.create({ name: 'Say true', type: 'task', executor: 'local', source: 'exec "true"\n', author: admin.name });
      await store.taskManager.accessGroups.create({
        name: 'Admins', users: [admin.id], approvers: [], enabled: true,
        criteria: { environments: [], systems: [], deviceIds: [] }, rules: { ...DEFAULT_ACCESS_RULES, reasonRequired: false },
      });
      const task = await new TaskService({ store }).create({ name: 'Hourly true', templateId: template.id, credential: { kind: 'credential', credentialId: credential.id }, deviceIds: [device.id] }, admin);
      const schedule = await new ScheduleService({ store, clock: () => past }).create(task.id, admin, { rule: { kind: 'cron', expression: '0 * * * *', timeZone: 'UTC' } });
      assert.equal(schedule.approval.state, 'approved');
      scheduleId = schedule.id;
    } finally {
      await store.close();
    }
  });

  after(async () => rm(work, { recursive: true, force: true }));

  it('runs the latest due fire once with the scheduler as requester, records the older ones as missed, and the engine executes it', async () => {
    const port = await freePort();
    const ostiary = startOstiary(['start', '--port', String(port), '--data-dir', dataDir]);
    let store: Store | null = null;
    try {
      await ostiary.waitFor('"msg":"ostiary started"');
      assert.match(ostiary.output(), /"msg":"task manager scheduler started"/);
      store = await openStore({ url: join(dataDir, 'ostiary.db'), migrate: false });
      const runs = new RunService({ store });
      let finished = false;
      for (let i = 0; i < 1200 && !finished; i += 1) {
        const page = await runs.list({ scheduleId });
        finished = page.items.length > 0 && page.items.every((view) => view.progress === 'finished');
        if (!finished) await sleep(50);
      }
      const page = await runs.list({ scheduleId });
      assert.equal(page.items.length, 1, 'one run for the due fires');
      const view = page.items[0];
      assert.equal(view?.run.origin, 'scheduled');
      assert.equal(view?.run.requesterName, SCHEDULER_REQUESTER);
      assert.equal(view?.totals.total, 1);
      assert.equal(view?.totals.processed, 1, `the engine executed the operation:\n${ostiary.output()}`);
      const fires = await new ScheduleService({ store }).fires(scheduleId);
      const outcomes = fires.items.map((fire) => fire.outcome);
      assert.equal(outcomes.filter((outcome) => outcome === 'run').length, 1, 'one fire ran');
      assert.ok(outcomes.filter((outcome) => outcome === 'missed').length >= 1, 'the older hourly fires, beyond the grace window, are recorded as missed');
      assert.equal(fires.items[0]?.outcome, 'run', 'the latest fire is the one that ran');
      assert.equal(fires.items.find((fire) => fire.outcome === 'run')?.runId, view?.run.id);
      assert.ok(!ostiary.output().includes(SECRET), 'no log line holds the secret');
    } finally {
      await store?.close();
      if (ostiary.child.exitCode === null) ostiary.child.kill('SIGTERM');
      await ostiary.exited;
    }
  });
});
