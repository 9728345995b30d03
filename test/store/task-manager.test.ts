import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Store } from '../../src/store/store.js';
import { RunService } from '../../src/taskmanager/run/run-service.js';
import { ScheduleService } from '../../src/taskmanager/schedule/schedule-service.js';
import { ReportService } from '../../src/taskmanager/report/report-service.js';
import { Scheduler } from '../../src/taskmanager/scheduler.js';
import { TaskService } from '../../src/taskmanager/task/task-service.js';
import { SCHEDULER_REQUESTER } from '../../src/taskmanager/task-manager-deps.js';
import { admin, allowOperator, approver1, approver2, operator, seed, taskInput, type Seeded } from '../taskmanager/task-manager-fixtures.js';
import { dialectSkip, dialects, freshStore, type FreshStore } from '../support/stores.js';
import { ManualClock, rejectsWith, sealed } from './fixtures.js';

const HOUR = 3_600_000;

for (const dialect of dialects) {
  describe(`task manager over the store (${dialect})`, { skip: await dialectSkip(dialect) }, () => {
    const clock = new ManualClock();
    let fresh: FreshStore;
    let store: Store;
    let tasks: TaskService;
    let runs: RunService;
    let schedules: ScheduleService;
    let reports: ReportService;
    let seeded: Seeded;

    before(async () => {
      fresh = await freshStore(dialect, { clock: clock.read });
      store = fresh.store;
      const deps = { store, clock: clock.read };
      tasks = new TaskService(deps);
      runs = new RunService(deps);
      schedules = new ScheduleService(deps);
      reports = new ReportService(deps);
      seeded = await seed(store);
    });
    after(() => fresh?.cleanup());

    const request = () => ({ reasonId: seeded.reasonId, justification: 'nightly backup stuck' });

    describe('tasks', () => {
      it('saves a task with the pinned template version and upper-case variables', async () => {
        const task = await tasks.create(taskInput(seeded, 'rsync', { name: 'Saved task' }), admin);
        assert.equal(task.templateVersion, 1);
        assert.deepEqual(task.variables, { SERVICE: 'rsync' });
        assert.deepEqual(task.deviceIds, seeded.deviceIds);
        assert.equal(task.createdBy, 'admin');
        assert.deepEqual(await tasks.get(task.id), task);
      });

      it('refuses bad input naming the field', async () => {
        const bad = await rejectsWith(tasks.create(taskInput(seeded, 'rsync;reboot', { name: 'Bad' }), admin), 'OST_VALIDATION');
        assert.equal(bad.details.field, 'task.variables.service');
        const dup = await rejectsWith(tasks.create(taskInput(seeded, 'rsync', { name: 'Saved task' }), admin), 'OST_CONFLICT');
        assert.equal(dup.details.field, 'task.name');
        const device = await rejectsWith(tasks.create(taskInput(seeded, 'rsync', { name: 'No device', deviceIds: [seeded.deviceIds[0], 'nope'] }), admin), 'OST_NOT_FOUND');
        assert.equal(device.details.field, 'task.deviceIds.1');
        const credential = await rejectsWith(tasks.create(taskInput(seeded, 'rsync', { name: 'No cred', credential: { kind: 'credential', credentialId: 'nope' } }), admin), 'OST_NOT_FOUND');
        assert.equal(credential.details.field, 'task.credential.credentialId');
      });

      it('adds and removes devices, keeping at least one', async () => {
        const task = await tasks.create(taskInput(seeded, 'rsync', { name: 'Devices', deviceIds: [seeded.deviceIds[0]] }), admin);
        const added = await tasks.addDevices(task.id, [seeded.deviceIds[1] as string, seeded.deviceIds[2] as string], admin);
        assert.deepEqual(added.task.deviceIds, seeded.deviceIds);
        const removed = await tasks.removeDevices(task.id, [seeded.deviceIds[1] as string], admin);
        assert.deepEqual(removed.task.deviceIds, [seeded.deviceIds[0], seeded.deviceIds[2]]);
        await rejectsWith(tasks.removeDevices(task.id, [seeded.deviceIds[0] as string, seeded.deviceIds[2] as string], admin), 'OST_VALIDATION');
      });
    });

    describe('runs and approvals', () => {
      before(async () => {
        await allowOperator(store, { reasonRequired: true, justificationRequired: true, approvalsRequired: 2, rejectionsToDeny: 1, approvalLifetimeMs: 2 * HOUR }, [approver1.id, approver2.id, operator.id]);
      });

      it('refuses a user no access group allows, and a request missing what the rules require', async () => {
        const task = await tasks.create(taskInput(seeded, 'rsync', { name: 'Guarded' }), admin);
        await rejectsWith(runs.run(task.id, approver1, request()), 'OST_FORBIDDEN');
        const missing = await rejectsWith(runs.run(task.id, operator, { reasonId: seeded.reasonId }), 'OST_VALIDATION');
        assert.equal(missing.details.field, 'run.justification');
      });

      it('one operation per device waits for approval; self-approval is refused; N approvals release', async () => {
        const task = await tasks.create(taskInput(seeded, 'rsync', { name: 'Approved run' }), admin);
        const { run, operations } = await runs.run(task.id, operator, request());
        assert.equal(run.run.approval.state, 'waiting_approval');
        assert.ok(!run.run.approval.approvers.includes(operator.id), 'the requester is never an approver');
        assert.deepEqual(operations.map((operation) => [operation.deviceId, operation.status, operation.credentialId, operation.runId]),
          seeded.deviceIds.map((id) => [id, 'waiting_approval', seeded.credentialId, run.run.id]));
        assert.deepEqual(run.totals, { total: 3, processed: 0, errors: 0, succeeded: 0, byStatus: { waiting_approval: 3 } });

        assert.deepEqual((await runs.inbox(approver1.id)).map((view) => view.run.id), [run.run.id]);
        const self = await rejectsWith(runs.answer(run.run.id, operator, { answer: 'approve', justification: 'trust me' }), 'OST_FORBIDDEN');
        assert.equal(self.details.reason, 'self_approval');

        const first = await runs.answer(run.run.id, approver1, { answer: 'approve', justification: 'checked the ticket' });
        assert.equal(first.run.approval.state, 'waiting_approval');
        assert.deepEqual(await runs.inbox(approver1.id), []);
        await rejectsWith(runs.answer(run.run.id, approver1, { answer: 'approve', justification: 'again' }), 'OST_CONFLICT');

        const second = await runs.answer(run.run.id, approver2, { answer: 'approve', justification: 'ok for tonight' });
        assert.equal(second.run.approval.state, 'approved');
        assert.deepEqual(second.totals.byStatus, { scheduled: 3 });
        const answers = await store.taskManager.runs.approvals(run.run.id);
        assert.deepEqual(answers.map((answer) => [answer.approverName, answer.answer, answer.justification]), [
          ['approver1', 'approve', 'checked the ticket'], ['approver2', 'approve', 'ok for tonight'],
        ]);
      });

      it('M rejections cancel the waiting operations', async () => {
        const task = await tasks.create(taskInput(seeded, 'rsync', { name: 'Rejected run' }), admin);
        const { run } = await runs.run(task.id, operator, request());
        const rejected = await runs.answer(run.run.id, approver2, { answer: 'reject', justification: 'not during the audit' });
        assert.equal(rejected.run.approval.state, 'rejected');
        assert.deepEqual(rejected.totals, { total: 3, processed: 3, errors: 0, succeeded: 0, byStatus: { cancelled: 3 } });
      });

      it('after the lifetime the waiting operations become expired', async () => {
        const task = await tasks.create(taskInput(seeded, 'rsync', { name: 'Expiring run' }), admin);
        const { run } = await runs.run(task.id, operator, request());
        assert.deepEqual(await runs.expireDue(clock.now + 2 * HOUR - 1), []);
        clock.advance(2 * HOUR);
        assert.deepEqual(await runs.expireDue(), [run.run.id]);
        const expired = await runs.get(run.run.id);
        assert.equal(expired.run.approval.state, 'expired');
        assert.deepEqual(expired.totals.byStatus, { expired: 3 });
        const late = await rejectsWith(runs.answer(run.run.id, approver1, { answer: 'approve', justification: 'too late' }), 'OST_CONFLICT');
        assert.equal(late.details.reason, 'expired');
      });

      it('editing the task voids its pending approval', async () => {
        const task = await tasks.create(taskInput(seeded, 'rsync', { name: 'Edited run' }), admin);
        const { run } = await runs.run(task.id, operator, request());
        await runs.answer(run.run.id, approver1, { answer: 'approve', justification: 'fine' });
        const update = await tasks.update(task.id, { variables: { service: 'mysql' } }, admin);
        assert.deepEqual(update.voidedRunIds, [run.run.id]);
        const voided = await runs.get(run.run.id);
        assert.equal(voided.run.approval.state, 'voided');
        assert.deepEqual(voided.totals.byStatus, { cancelled: 3 });
        const refused = await rejectsWith(runs.answer(run.run.id, approver2, { answer: 'approve', justification: 'fine' }), 'OST_CONFLICT');
        assert.equal(refused.details.reason, 'voided');
      });
    });

    describe('username lookup', () => {
      it('a device without the username gets its own failed operation; the others go on', async () => {
        const [d1, d2, d3] = seeded.deviceIds as [string, string, string];
        await store.credentials.create({ deviceId: d1, username: 'backup', secret: sealed() });
        await store.credentials.create({ deviceId: d3, username: 'backup', secret: sealed() });
        await allowOperator(store, { reasonRequired: false, approvalsRequired: 0 }, [], 'Lookup operators');
        const task = await tasks.create(taskInput(seeded, 'rsync', { name: 'Lookup', environment: 'Lab', credential: { kind: 'username', username: 'backup' } }), admin);
        const { run, operations } = await runs.run(task.id, operator, request());
        // The most restrictive rules still apply: the other group requires approval for every task.
        assert.equal(run.run.approval.state, 'waiting_approval');
        const byDevice = new Map(operations.map((operation) => [operation.deviceId, operation]));
        assert.equal(byDevice.get(d2)?.status, 'failed');
        assert.equal(byDevice.get(d2)?.lastErrorCode, 'OST_NOT_FOUND');
        assert.match(byDevice.get(d2)?.lastErrorMessage ?? '', /no credential with username "backup" is registered on device srv-2/);
        assert.equal(byDevice.get(d1)?.status, 'waiting_approval');
        assert.equal(byDevice.get(d3)?.status, 'waiting_approval');
        assert.deepEqual(run.totals, { total: 3, processed: 1, errors: 1, succeeded: 0, byStatus: { failed: 1, waiting_approval: 2 } });
        const report = await reports.operations({ runId: run.run.id, status: ['failed'] });
        assert.deepEqual(report.items.map((row) => [row.deviceName, row.statusLabel, row.colour, row.taskName]), [['srv-2', 'Error', 'red', 'Lookup']]);
      });
    });

    describe('schedules', () => {
      it('needs its own approval, then fires once per fire with the scheduler as requester', async () => {
        const task = await tasks.create(taskInput(seeded, 'rsync', { name: 'Scheduled' }), admin);
        const schedule = await schedules.create(task.id, operator, {
          rule: { kind: 'cron', expression: '0 * * * *', timeZone: 'UTC' }, graceMs: 15 * 60_000,
          reasonId: seeded.reasonId, justification: 'hourly sync',
        });
        assert.equal(schedule.approval.state, 'waiting_approval');
        const scheduler = new Scheduler({ store, clock: clock.read });
        assert.deepEqual((await scheduler.tick(clock.now + 3 * HOUR)).runsCreated, [], 'an unapproved schedule never fires');

        assert.deepEqual((await schedules.inbox(approver1.id)).map((entry) => entry.id), [schedule.id]);
        await rejectsWith(schedules.answer(schedule.id, operator, { answer: 'approve', justification: 'mine' }), 'OST_FORBIDDEN');
        await schedules.answer(schedule.id, approver1, { answer: 'approve', justification: 'ok' });
        assert.deepEqual(await schedules.inbox(approver1.id), []);
        const approved = await schedules.answer(schedule.id, approver2, { answer: 'approve', justification: 'ok' });
        assert.equal(approved.approval.state, 'approved');
        assert.equal(approved.startsAt, clock.now);

        const nextHour = Math.floor(clock.now / HOUR) * HOUR + HOUR;
        const pass = await scheduler.tick(nextHour + 60_000);
        assert.equal(pass.runsCreated.length, 1);
        const [runId] = pass.runsCreated;
        const run = await runs.get(runId as string);
        assert.equal(run.run.requesterName, SCHEDULER_REQUESTER);
        assert.equal(run.run.origin, 'scheduled');
        assert.equal(run.run.fireAt, nextHour);
        assert.deepEqual(run.totals.byStatus, { scheduled: 3 }, 'an approved schedule\'s runs need no further approval');
        const page = await store.operations.list({ runId: runId as string });
        assert.ok(page.items.every((operation) => operation.requester === SCHEDULER_REQUESTER));

        assert.deepEqual((await scheduler.tick(nextHour + 120_000)).runsCreated, [], 'the same fire never runs twice');

        // Down for five hours: the latest fire is within the 15-minute grace window and runs once; the rest are missed.
        const later = await scheduler.tick(nextHour + 5 * HOUR + 10 * 60_000);
        assert.equal(later.runsCreated.length, 1);
        assert.equal(later.missed, 4);
        const fires = await schedules.fires(schedule.id);
        assert.deepEqual(fires.items.map((fire) => [fire.fireAt - nextHour, fire.outcome]), [
          [5 * HOUR, 'run'], [4 * HOUR, 'missed'], [3 * HOUR, 'missed'], [2 * HOUR, 'missed'], [HOUR, 'missed'], [0, 'run'],
        ]);

        // Down longer than the grace window: nothing runs, the fire is recorded as missed.
        const stale = await scheduler.tick(nextHour + 7 * HOUR + 30 * 60_000);
        assert.deepEqual(stale.runsCreated, []);
        assert.equal(stale.missed, 2);

        await schedules.cancel(schedule.id, operator);
        assert.deepEqual((await scheduler.tick(nextHour + 12 * HOUR)).runsCreated, [], 'a cancelled schedule never fires');
        assert.equal((await schedules.get(schedule.id)).approval.state, 'cancelled');
      });

      it('editing the task sends an approved schedule back to waiting approval', async () => {
        const task = await tasks.create(taskInput(seeded, 'rsync', { name: 'Rescheduled' }), admin);
        const schedule = await schedules.create(task.id, operator, { rule: { kind: 'weekly', weekdays: [1], hours: [3], timeZone: 'Europe/Berlin' }, reasonId: seeded.reasonId, justification: 'weekly' });
        await schedules.answer(schedule.id, approver1, { answer: 'approve', justification: 'ok' });
        assert.equal((await schedules.answer(schedule.id, approver2, { answer: 'approve', justification: 'ok' })).approval.state, 'approved');
        const update = await tasks.update(task.id, { variables: { service: 'mysql' } }, admin);
        assert.deepEqual(update.reapprovalScheduleIds, [schedule.id]);
        const reopened = await schedules.get(schedule.id);
        assert.equal(reopened.approval.state, 'waiting_approval');
        assert.deepEqual(await store.taskManager.schedules.approvals(schedule.id), []);
      });

      it('previews the next fires of a stored schedule', async () => {
        const task = await tasks.create(taskInput(seeded, 'rsync', { name: 'Previewed' }), admin);
        const schedule = await schedules.create(task.id, operator, { rule: { kind: 'weekly', weekdays: [1, 2, 3, 4, 5, 6, 7], hours: [6, 18], timeZone: 'UTC' }, reasonId: seeded.reasonId, justification: 'twice a day' });
        const next = await schedules.nextFires(schedule.id, 4);
        assert.equal(next.length, 4);
        assert.ok(next.every((time) => [6, 18].includes(new Date(time).getUTCHours()) && time > clock.now));
      });
    });

    describe('reports', () => {
      it('users by task and dashboard figures', async () => {
        const usage = await reports.usersByTask();
        const approvedRun = usage.find((row) => row.taskName === 'Approved run');
        assert.deepEqual(approvedRun && [approvedRun.requesterName, approvedRun.runs], ['operator', 1]);
        assert.ok(usage.some((row) => row.taskName === 'Scheduled' && row.requesterName === SCHEDULER_REQUESTER && row.runs === 2));

        const dashboard = await reports.dashboard(0, clock.now + 100 * HOUR, 3);
        assert.equal(dashboard.byOrigin.scheduled, 2);
        assert.ok((dashboard.byOrigin.punctual ?? 0) >= 5);
        assert.equal(dashboard.errors, 1);
        assert.equal(dashboard.successes, 0);
        assert.deepEqual(dashboard.byEnvironment.map((row) => row.key).sort(), ['Lab', 'Production']);
        assert.equal(dashboard.topTasks.length, 3);
        assert.equal(dashboard.topTasks[0]?.label, 'Scheduled');
        const total = Object.values(dashboard.byStatus).reduce((sum, n) => sum + (n ?? 0), 0);
        assert.equal(dashboard.topDevices.reduce((sum, row) => sum + row.count, 0), total);
      });
    });
  });
}
