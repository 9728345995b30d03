import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { dialectSkip, dialects } from '../support/stores.js';
import { ApiHarness, json } from './api-harness.js';
import { roleUserIds } from './task-manager-fixtures.js';

const SECRET = 'Tm#Routes-Secret-8812';
const SOURCE = '#@var SERVICE "[a-z0-9_.-]+" "Service to restart"\nexec "service [#SERVICE#] restart"\n';

type Body = Record<string, unknown>;
const field = (response: LightMyRequestResponse) => (json(response).details as { field?: string; permission?: string; reason?: string });

for (const dialect of dialects) {
  describe(`the Task Manager routes (${dialect})`, { skip: await dialectSkip(dialect) }, () => {
    let api: ApiHarness;
    let admin: string;
    let operator: string;
    let approver: string;
    let otherOperator: string;
    let userIds: { operator: string; approver: string; otherOperator: string };
    let deviceIds: string[];
    let credentialId: string;
    let templateId: string;
    let reasonId: string;
    let disabledReasonId: string;
    const responses: string[] = [];

    async function call(token: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown): Promise<LightMyRequestResponse> {
      const response = await api.call(method, `/api/v1${url}`, { token, body });
      responses.push(response.body);
      return response;
    }
    async function ok<T = Body>(token: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown, status?: number): Promise<T> {
      const response = await call(token, method, url, body);
      assert.equal(response.statusCode, status ?? (method === 'POST' && !url.includes('/approvals') && !url.endsWith('/cancel') && !url.includes('/devices/') && url !== '/schedules/preview' ? 201 : 200), `${method} ${url}: ${response.body}`);
      return json<T>(response);
    }
    function expectError(response: LightMyRequestResponse, status: number, code: string): void {
      assert.equal(response.statusCode, status, response.body);
      assert.equal(json(response).code, code);
    }

    before(async () => {
      api = await ApiHarness.start(dialect);
      admin = await api.tokenFor('admin');
      operator = await api.tokenFor('operator');
      approver = await api.tokenFor('approver');
      otherOperator = await api.tokenFor('operator', 'template_author');
      const [, operatorId, approverId] = await roleUserIds(api);
      const other = json<{ user: { id: string } }>(await api.call('GET', '/api/v1/auth/me', { token: otherOperator })).user.id;
      userIds = { operator: operatorId as string, approver: approverId as string, otherOperator: other };
      deviceIds = [];
      for (let i = 1; i <= 3; i += 1) deviceIds.push(String((await ok(admin, 'POST', '/devices', { name: `srv-${i}`, address: `127.0.0.${i}` })).id));
      credentialId = String((await ok(admin, 'POST', '/credentials', { deviceId: deviceIds[0], username: 'svcbackup', secret: SECRET })).id);
      templateId = (await ok<{ template: { id: string } }>(admin, 'POST', '/templates', { name: 'Restart', type: 'task', executor: 'ssh', source: SOURCE })).template.id;
    });
    after(async () => api?.stop());

    it('reasons: register, list, disable; a taken name is a conflict; a disabled reason justifies no run', async () => {
      reasonId = String((await ok(admin, 'POST', '/reasons', { name: 'Maintenance', type: 'task_execution' })).id);
      expectError(await call(admin, 'POST', '/reasons', { name: 'Maintenance', type: 'all' }), 409, 'OST_CONFLICT');
      const disabled = await ok(admin, 'POST', '/reasons', { name: 'Old reason', type: 'all' });
      disabledReasonId = String(disabled.id);
      const patched = await ok<{ enabled: boolean; name: string }>(admin, 'PATCH', `/reasons/${disabledReasonId}`, { enabled: false });
      assert.deepEqual([patched.enabled, patched.name], [false, 'Old reason']);
      const list = await ok<{ items: { name: string }[] }>(operator, 'GET', '/reasons');
      assert.deepEqual(list.items.map((reason) => reason.name).sort(), ['Maintenance', 'Old reason']);
      expectError(await call(admin, 'PATCH', `/reasons/${deviceIds[0]}`, { enabled: true }), 404, 'OST_NOT_FOUND');
      expectError(await call(operator, 'POST', '/reasons', { name: 'Mine', type: 'all' }), 403, 'OST_FORBIDDEN');
    });

    it('access groups: an unknown user is refused naming the entry; PATCH replaces only the fields given; DELETE removes', async () => {
      const bad = await call(admin, 'POST', '/access-groups', { name: 'Bad', users: [userIds.operator, deviceIds[0]] });
      expectError(bad, 400, 'OST_VALIDATION');
      assert.equal(field(bad).field, 'accessGroup.users.1');
      const group = await ok<{ id: string; rules: { approvalsRequired: number; reasonRequired: boolean } }>(admin, 'POST', '/access-groups', {
        name: 'Backup operators', users: [userIds.operator, userIds.otherOperator], approvers: [userIds.approver],
        criteria: { environments: ['Production'] }, rules: { justificationRequired: true, approvalsRequired: 1 },
      });
      assert.deepEqual(group.rules.reasonRequired, true, 'a rule not given takes its default');
      const patched = await ok<{ users: string[]; approvers: string[]; criteria: { environments: string[] }; rules: { approvalsRequired: number; justificationRequired: boolean } }>(admin, 'PATCH', `/access-groups/${group.id}`, { rules: { approvalsRequired: 1 } });
      assert.deepEqual([patched.users.length, patched.approvers, patched.criteria.environments, patched.rules.justificationRequired], [2, [userIds.approver], ['Production'], true]);
      const spare = await ok<{ id: string }>(admin, 'POST', '/access-groups', { name: 'Spare' });
      assert.equal((await call(admin, 'DELETE', `/access-groups/${spare.id}`)).statusCode, 204);
      expectError(await call(admin, 'GET', `/access-groups/${spare.id}`), 404, 'OST_NOT_FOUND');
      const list = await ok<{ items: { name: string }[] }>(approver, 'GET', '/access-groups');
      assert.deepEqual(list.items.map((item) => item.name), ['Backup operators']);
    });

    it('tasks: fields of the template, create, filter, edit (voiding a pending approval), devices, delete', async () => {
      const fields = await ok<{ variables: string[]; masks: string[] }>(operator, 'GET', `/templates/${templateId}/task-fields`);
      assert.deepEqual(fields.variables, ['SERVICE']);
      const missing = await call(admin, 'POST', '/tasks', { name: 'No service', environment: 'Production', templateId, credential: { kind: 'credential', credentialId }, deviceIds });
      expectError(missing, 400, 'OST_VALIDATION');
      assert.equal(field(missing).field, 'task.variables.SERVICE');
      const task = await ok<{ id: string; variables: Record<string, string> }>(admin, 'POST', '/tasks', {
        name: 'Restart rsync', environment: 'Production', system: 'Backup', tags: ['backup'], templateId, variables: { service: 'rsync' }, credential: { kind: 'credential', credentialId }, deviceIds,
      });
      assert.deepEqual(task.variables, { SERVICE: 'rsync' });
      await ok(admin, 'POST', '/tasks', { name: 'Restart in test', environment: 'Test', templateId, variables: { service: 'cron' }, credential: { kind: 'username', username: 'svcbackup' }, deviceIds: [deviceIds[1]] });
      const production = await ok<{ items: { name: string }[] }>(operator, 'GET', '/tasks?environment=Production');
      assert.deepEqual(production.items.map((item) => item.name), ['Restart rsync']);

      const run = await ok<{ run: { id: string; approval: { state: string } }; operations: { statusLabel: string }[] }>(operator, 'POST', `/tasks/${task.id}/runs`, { reasonId, justification: 'OPS-1' });
      assert.equal(run.run.approval.state, 'waiting_approval');
      const edited = await ok<{ voidedRunIds: string[]; task: { tags: string[] } }>(admin, 'PATCH', `/tasks/${task.id}`, { variables: { service: 'mysql' }, tags: ['db'] });
      assert.deepEqual([edited.voidedRunIds, edited.task.tags], [[run.run.id], ['db']]);
      expectError(await call(approver, 'POST', `/runs/${run.run.id}/approvals`, { answer: 'approve', justification: 'ok' }), 409, 'OST_CONFLICT');
      const shown = await ok<{ run: { approval: { state: string }; totals: { total: number } } }>(operator, 'GET', `/runs/${run.run.id}`);
      assert.deepEqual([shown.run.approval.state, shown.run.totals.total], ['voided', 3]);

      const removed = await ok<{ task: { deviceIds: string[] } }>(admin, 'POST', `/tasks/${task.id}/devices/remove`, { deviceIds: [deviceIds[2]] });
      assert.deepEqual(removed.task.deviceIds, deviceIds.slice(0, 2));
      const added = await ok<{ task: { deviceIds: string[] } }>(admin, 'POST', `/tasks/${task.id}/devices/add`, { deviceIds: [deviceIds[2]] });
      assert.deepEqual(added.task.deviceIds, deviceIds);
      const none = await call(admin, 'POST', `/tasks/${task.id}/devices/remove`, { deviceIds });
      expectError(none, 400, 'OST_VALIDATION');
      assert.equal(field(none).field, 'task.deviceIds');
      expectError(await call(admin, 'DELETE', `/tasks/${task.id}`), 409, 'OST_CONFLICT');
      const unused = await ok<{ id: string }>(admin, 'POST', '/tasks', { name: 'Unused', templateId, variables: { service: 'x' }, credential: { kind: 'credential', credentialId }, deviceIds: [deviceIds[0]] });
      assert.equal((await call(admin, 'DELETE', `/tasks/${unused.id}`)).statusCode, 204);
      expectError(await call(operator, 'GET', `/tasks/${unused.id}`), 404, 'OST_NOT_FOUND');
    });

    it('runs: the access group decides who may run and what is required; its approver’s rejection cancels the operations', async () => {
      const tasks = await ok<{ items: { id: string; name: string }[] }>(operator, 'GET', '/tasks');
      const task = tasks.items.find((item) => item.name === 'Restart rsync');
      const outside = tasks.items.find((item) => item.name === 'Restart in test');
      expectError(await call(operator, 'POST', `/tasks/${outside?.id}/runs`, { reasonId, justification: 'x' }), 403, 'OST_FORBIDDEN');
      expectError(await call(approver, 'POST', `/tasks/${task?.id}/runs`, { reasonId }), 403, 'OST_FORBIDDEN');
      const noReason = await call(operator, 'POST', `/tasks/${task?.id}/runs`, { justification: 'x' });
      expectError(noReason, 400, 'OST_VALIDATION');
      assert.equal(field(noReason).field, 'run.reasonId');
      const disabledReason = await call(operator, 'POST', `/tasks/${task?.id}/runs`, { reasonId: disabledReasonId, justification: 'x' });
      expectError(disabledReason, 400, 'OST_VALIDATION');
      assert.equal(field(disabledReason).field, 'run.reasonId');
      const noJustification = await call(operator, 'POST', `/tasks/${task?.id}/runs`, { reasonId });
      expectError(noJustification, 400, 'OST_VALIDATION');
      assert.equal(field(noJustification).field, 'run.justification');
      const run = await ok<{ run: { id: string } }>(operator, 'POST', `/tasks/${task?.id}/runs`, { reasonId, justification: 'OPS-2', governanceCode: 'CHG-7' });
      const inbox = await ok<{ items: { id: string }[] }>(approver, 'GET', '/approvals/inbox');
      assert.deepEqual(inbox.items.map((item) => item.id), [run.run.id]);
      const rejected = await ok<{ approval: { state: string } }>(approver, 'POST', `/runs/${run.run.id}/approvals`, { answer: 'reject', justification: 'not now' });
      assert.equal(rejected.approval.state, 'rejected');
      const operations = await ok<{ items: { statusLabel: string }[] }>(operator, 'GET', `/runs/${run.run.id}/operations`);
      assert.deepEqual(operations.items.map((row) => row.statusLabel), ['Cancelled', 'Cancelled', 'Cancelled']);
      const list = await ok<{ items: { id: string }[] }>(operator, 'GET', `/runs?taskId=${task?.id}&origin=punctual`);
      assert.equal(list.items.length, 2);
    });

    it('schedules: preview, create (waiting for approval), approve, show with next fires, cancel by owner or task:write only', async () => {
      const preview = await ok<{ fireTimes: string[] }>(operator, 'POST', '/schedules/preview', {
        rule: { kind: 'weekly', weekdays: [1], hours: [9], timeZone: 'Europe/Berlin' }, from: '2026-03-20T00:00:00Z', count: 3,
      });
      assert.deepEqual(preview.fireTimes, ['2026-03-23T08:00:00.000Z', '2026-03-30T07:00:00.000Z', '2026-04-06T07:00:00.000Z'], 'Berlin moves to summer time on 29 March');
      const badZone = await call(operator, 'POST', '/schedules/preview', { rule: { kind: 'cron', expression: '0 3 * * *', timeZone: 'Mars/Olympus' } });
      expectError(badZone, 400, 'OST_VALIDATION');
      const task = (await ok<{ items: { id: string; name: string }[] }>(operator, 'GET', '/tasks')).items.find((item) => item.name === 'Restart rsync');
      const created = await ok<{ id: string; approval: { state: string }; nextFires?: string[] }>(operator, 'POST', `/tasks/${task?.id}/schedules`, {
        rule: { kind: 'cron', expression: '0 3 * * *', timeZone: 'UTC' }, reasonId, justification: 'nightly',
      });
      assert.deepEqual([created.approval.state, created.nextFires], ['waiting_approval', undefined]);
      const inbox = await ok<{ schedules: { id: string }[] }>(approver, 'GET', '/approvals/inbox');
      assert.deepEqual(inbox.schedules.map((schedule) => schedule.id), [created.id]);
      const approved = await ok<{ approval: { state: string }; nextFires: string[] }>(approver, 'POST', `/schedules/${created.id}/approvals`, { answer: 'approve', justification: 'fine' });
      assert.equal(approved.approval.state, 'approved');
      assert.equal(approved.nextFires.length, 5);
      assert.ok(approved.nextFires.every((time) => time.endsWith('T03:00:00.000Z')));
      const shown = await ok<{ schedule: { nextFires: string[] }; approvals: { approverName: string }[]; fires: unknown[] }>(operator, 'GET', `/schedules/${created.id}?next=2`);
      assert.deepEqual([shown.schedule.nextFires.length, shown.approvals.map((answer) => answer.approverName), shown.fires], [2, ['u-approver'], []]);
      assert.deepEqual((await ok<{ items: unknown[] }>(operator, 'GET', `/schedules/${created.id}/fires`)).items, []);
      const listed = await ok<{ items: { id: string }[] }>(operator, 'GET', `/schedules?taskId=${task?.id}&state=approved`);
      assert.deepEqual(listed.items.map((item) => item.id), [created.id]);

      const foreign = await call(otherOperator, 'POST', `/schedules/${created.id}/cancel`);
      expectError(foreign, 403, 'OST_FORBIDDEN');
      assert.equal(field(foreign).permission, 'task:write');
      const cancelled = await ok<{ approval: { state: string } }>(operator, 'POST', `/schedules/${created.id}/cancel`);
      assert.equal(cancelled.approval.state, 'cancelled');
    });

    it('reports: operations by status with the product’s labels, users by task, the dashboard; a backwards range names the field', async () => {
      const report = await ok<{ items: { statusLabel: string; colour: string; taskName: string }[] }>(operator, 'GET', '/task-reports/operations?status=cancelled');
      assert.ok(report.items.length >= 3);
      assert.ok(report.items.every((row) => row.statusLabel === 'Cancelled' && row.colour === 'grey' && row.taskName === 'Restart rsync'));
      const users = await ok<{ items: { requesterName: string; runs: number }[] }>(operator, 'GET', '/task-reports/users');
      assert.deepEqual(users.items.map((row) => [row.requesterName, row.runs]), [['u-operator', 2]]);
      const now = new Date(api.clock.now);
      const from = new Date(now.getTime() - 86_400_000).toISOString();
      const to = new Date(now.getTime() + 86_400_000).toISOString();
      const dashboard = await ok<{ byStatus: Record<string, number>; byOrigin: Record<string, number>; topTasks: { label: string | null; count: number }[] }>(approver, 'GET', `/task-reports/dashboard?from=${from}&to=${to}`);
      assert.equal(dashboard.byStatus.cancelled, 6);
      assert.equal(dashboard.topTasks[0]?.label, 'Restart rsync');
      const backwards = await call(operator, 'GET', `/task-reports/dashboard?from=${to}&to=${from}`);
      expectError(backwards, 400, 'OST_VALIDATION');
      assert.equal(field(backwards).field, 'dashboard.to');
    });

    it('no response held the credential’s secret, nor did the audit trail', async () => {
      assert.ok(responses.length > 40);
      for (const body of responses) assert.ok(!body.includes(SECRET));
      const audit = await api.store.audit.readAfter(0, 100_000);
      assert.ok(['reason.create', 'access_group.create', 'task.create', 'task.update', 'task.run', 'run.reject', 'schedule.create', 'schedule.approve', 'schedule.cancel'].every((action) => audit.some((event) => event.action === action)));
      assert.ok(!JSON.stringify(audit).includes(SECRET));
      for (const line of api.logs) assert.ok(!line.includes(SECRET));
    });
  });
}
