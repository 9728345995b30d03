import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Command } from 'commander';
import { registerTasks } from '../../src/cli/commands/tasks.js';
import { BIN } from '../cli/cli-runner.js';
import { ApiHarness, json, TEST_PASSWORD } from './api-harness.js';
import { roleUserIds } from './task-manager-fixtures.js';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const SECRET = 'Cli#Tm-Secret-3307';
const SOURCE = '#@var SERVICE "[a-z0-9_.-]+" "Service to restart"\nexec "service [#SERVICE#] restart"\n';

/** `ostiary tasks …` as a real process against a listening API, as admin, operator and approver. */
describe('ostiary tasks: the Task Manager CLI through the API (sqlite)', () => {
  let api: ApiHarness;
  let url: string;
  let work: string;
  const outputs: string[] = [];
  const ids: Record<string, string> = {};

  function ostiary(user: 'admin' | 'operator' | 'approver', args: string[], input = ''): Promise<Run> {
    const home = join(work, user);
    return new Promise((resolve) => {
      const child = execFile(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: join(home, 'config'), OSTIARY_URL: url }, timeout: 60_000 }, (error, stdout, stderr) => {
        outputs.push(stdout, stderr);
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
      });
      child.stdin?.end(input);
    });
  }
  async function ok(user: 'admin' | 'operator' | 'approver', args: string[]): Promise<string> {
    const result = await ostiary(user, args);
    assert.equal(result.code, 0, `${user} ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  }
  const okJson = async <T = Record<string, string>>(user: 'admin' | 'operator' | 'approver', args: string[]) => JSON.parse(await ok(user, [...args, '--json'])) as T;

  before(async () => {
    api = await ApiHarness.start('sqlite');
    Object.defineProperty(api.clock, 'now', { get: () => Date.now(), set: () => undefined });
    work = await mkdtemp(join(tmpdir(), 'ostiary-tasks-cli-'));
    url = await api.app.listen({ host: '127.0.0.1', port: 0 });
    const [, operatorId, approverId] = await roleUserIds(api);
    ids.operator = operatorId as string;
    ids.approver = approverId as string;
    const token = await api.tokenFor('admin');
    const post = async (path: string, body: unknown) => json<Record<string, unknown>>(await api.call('POST', `/api/v1${path}`, { token, body }));
    ids.device = String((await post('/devices', { name: 'srv-1', address: '127.0.0.1' })).id);
    ids.credential = String((await post('/credentials', { deviceId: ids.device, username: 'svcbackup', secret: SECRET })).id);
    ids.template = ((await post('/templates', { name: 'Restart', type: 'task', executor: 'ssh', source: SOURCE })).template as { id: string }).id;
    for (const user of ['admin', 'operator', 'approver'] as const) {
      const login = await ostiary(user, ['login', '--username', `u-${user}`], `${TEST_PASSWORD}\n`);
      assert.equal(login.code, 0, login.stderr);
    }
  });
  after(async () => {
    await api?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('every tasks command has a description and help naming its options', () => {
    const program = new Command('ostiary');
    registerTasks(program);
    const tasks = program.commands[0] as Command;
    assert.ok(tasks.commands.length >= 30);
    for (const command of tasks.commands) {
      const help = command.helpInformation();
      assert.ok(command.description().length > 0, `${command.name()} has a description`);
      assert.match(help, new RegExp(`^Usage: ostiary tasks ${command.name()}`), command.name());
      for (const option of command.options) assert.ok(help.includes(option.flags), `${command.name()} --help lists ${option.flags}`);
    }
  });

  it('shows its commands with --help', async () => {
    const help = await ok('operator', ['tasks', '--help']);
    for (const command of ['create', 'run', 'runs', 'run-show', 'run-operations', 'logs', 'inbox', 'approve', 'reject', 'schedule', 'preview', 'schedule-show', 'schedule-cancel', 'report', 'dashboard', 'users', 'fields', 'reasons', 'reason-create', 'groups', 'group-create']) {
      assert.match(help, new RegExp(`^  ${command} `, 'm'), command);
    }
    assert.match(await ok('operator', ['tasks', 'run', '--help']), /--justification <text>/);
  });

  it('the admin registers a reason, an access group and a task; the operator runs it; the approver approves', async () => {
    ids.reason = (await okJson('admin', ['tasks', 'reason-create', '--name', 'Maintenance'])).id as string;
    const group = await okJson<{ id: string; rules: { approvalsRequired: number; reasonRequired: boolean } }>('admin', ['tasks', 'group-create', '--name', 'Operators', '--user', ids.operator as string, '--approver', ids.approver as string, '--approvals', '1', '--no-reason-required']);
    assert.deepEqual(group.rules.approvalsRequired, 1);
    assert.equal(group.rules.reasonRequired, false);
    assert.match(await ok('admin', ['tasks', 'groups']), /Operators\s+1\s+1\s+1\s+yes/);
    const fields = await okJson<{ variables: string[] }>('operator', ['tasks', 'fields', ids.template as string]);
    assert.deepEqual(fields.variables, ['SERVICE']);
    const bad = await ostiary('admin', ['tasks', 'create', '--name', 'Evil', '--template', ids.template as string, '--var', 'service=rsync;reboot', '--credential', ids.credential as string, '--device', ids.device as string]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^OST_VALIDATION: task\.variables\.SERVICE/i);
    ids.task = (await okJson('admin', ['tasks', 'create', '--name', 'Restart rsync', '--environment', 'Production', '--template', ids.template as string, '--var', 'service=rsync', '--credential', ids.credential as string, '--device', ids.device as string])).id as string;
    assert.match(await ok('operator', ['tasks', 'list']), /Restart rsync\s+Production/);

    const run = await ok('operator', ['tasks', 'run', ids.task, '--reason', ids.reason, '--justification', 'OPS-9']);
    assert.match(run, /waiting_approval/);
    assert.match(run, /Waiting approval/);
    ids.run = /^([0-9a-f-]{36})\s+punctual/m.exec(run)?.[1] ?? '';
    assert.match(await ok('approver', ['tasks', 'inbox']), new RegExp(ids.run));
    const refused = await ostiary('operator', ['tasks', 'approve', ids.run, '--justification', 'mine']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^OST_FORBIDDEN: .*approval:decide/);
    assert.match(await ok('approver', ['tasks', 'approve', ids.run, '--justification', 'window open']), /approved/);
    const shown = await ok('operator', ['tasks', 'run-show', ids.run]);
    assert.match(shown, /u-approver\s+approve\s+window open/);
    assert.match(await ok('operator', ['tasks', 'runs', '--task', ids.task]), new RegExp(`${ids.run}\\s+punctual\\s+u-operator\\s+approved`));
    assert.match(await ok('operator', ['tasks', 'run-operations', ids.run]), /srv-1\s+Scheduled/);
    const operationId = (await okJson<{ items: { operation: { id: string } }[] }>('operator', ['tasks', 'run-operations', ids.run])).items[0]?.operation.id ?? '';
    assert.match(await ok('operator', ['tasks', 'logs', operationId]), /no attempts yet/);
    assert.match(await ok('operator', ['tasks', 'report', '--task', ids.task, '--status', 'scheduled']), /Restart rsync\s+srv-1\s+Scheduled/);
    assert.match(await ok('operator', ['tasks', 'users']), /Restart rsync\s+u-operator\s+1/);
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 3_600_000).toISOString();
    const dashboard = JSON.parse(await ok('operator', ['tasks', 'dashboard', '--from', from, '--to', to])) as { byStatus: Record<string, number> };
    assert.deepEqual(dashboard.byStatus, { scheduled: 1 });
  });

  it('schedules: preview, schedule, approve, show, cancel', async () => {
    const preview = await ok('operator', ['tasks', 'preview', '--weekdays', '1,3', '--hours', '9', '--tz', 'Europe/Berlin', '--count', '3']);
    assert.equal(preview.trim().split('\n').length, 3);
    const schedule = await okJson<{ id: string; approval: { state: string } }>('operator', ['tasks', 'schedule', ids.task as string, '--cron', '0 3 * * *', '--reason', ids.reason as string]);
    assert.equal(schedule.approval.state, 'waiting_approval');
    assert.match(await ok('approver', ['tasks', 'inbox']), new RegExp(schedule.id));
    assert.match(await ok('approver', ['tasks', 'schedule-approve', schedule.id, '--justification', 'nightly is fine']), /approved/);
    const shown = await ok('operator', ['tasks', 'schedule-show', schedule.id, '--next', '2']);
    assert.equal((shown.match(/^next: .*T03:00:00\.000Z$/gm) ?? []).length, 2);
    assert.match(shown, /no fires yet/);
    assert.match(await ok('operator', ['tasks', 'schedules', '--task', ids.task as string]), new RegExp(`${schedule.id}.*approved`));
    assert.match(await ok('operator', ['tasks', 'schedule-cancel', schedule.id]), /cancelled/);
  });

  it('the admin edits the task (voiding nothing now) and the reason; the secret appeared in no output', async () => {
    const updated = await okJson<{ task: { tags: string[] }; voidedRunIds: string[] }>('admin', ['tasks', 'update', ids.task as string, '--tag', 'backup']);
    assert.deepEqual([updated.task.tags, updated.voidedRunIds], [['backup'], []]);
    assert.match(await ok('admin', ['tasks', 'reason-update', ids.reason as string, '--no-enabled']), /enabled\s+false/);
    assert.match(await ok('operator', ['tasks', 'reasons']), /Maintenance\s+task_execution\s+no/);
    assert.ok(outputs.length > 40);
    for (const output of outputs) assert.ok(!output.includes(SECRET), 'no CLI output holds the secret');
  });
});
