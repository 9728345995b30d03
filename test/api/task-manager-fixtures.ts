import { ROLES } from '../../src/auth/permissions.js';
import { RunService, ScheduleService } from '../../src/taskmanager/index.js';
import type { ApiHarness } from './api-harness.js';
import type { RouteSample } from './route-samples.js';
import { json } from './api-harness.js';

/** Task Manager objects the route samples point at. */
export interface TaskManagerFixtures {
  readonly taskDeviceId: string;
  readonly taskCredentialId: string;
  readonly reasonId: string;
  readonly accessGroupId: string;
  readonly taskId: string;
  /** A run waiting for approval, requested by a user of its own: every role's user may answer it. */
  readonly runId: string;
  readonly taskOperationId: string;
  /** A schedule waiting for approval, requested by that same user (not the caller's own). */
  readonly scheduleId: string;
}

/** Each role's user (the harness makes one per role), by id, as `/auth/me` names it. */
export async function roleUserIds(api: ApiHarness): Promise<string[]> {
  const ids: string[] = [];
  for (const role of ROLES) {
    const me = json<{ user: { id: string } }>(await api.call('GET', '/api/v1/auth/me', { token: await api.tokenFor(role) }));
    ids.push(me.user.id);
  }
  return ids;
}

const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 10)}`;

/**
 * A device and credential of their own (other samples delete the shared ones), a reason, an
 * access group whose users and approvers are every role's user plus a requester, a task on
 * the template, and that requester's waiting run and schedule.
 */
export async function createTaskManagerFixtures(api: ApiHarness, templateId: string): Promise<TaskManagerFixtures> {
  const token = await api.tokenFor('admin');
  const post = async (url: string, body: unknown) => json<Record<string, unknown>>(await api.call('POST', url, { token, body }));
  const device = await post('/api/v1/devices', { name: unique('tm-device'), address: '127.0.0.1' });
  const credential = await post('/api/v1/credentials', { deviceId: device.id, username: 'svc', secret: 'fixture-secret-value' });
  const roleUsers = await roleUserIds(api);
  const requester = await api.createUser(unique('tm-requester'), ['operator']);
  const reason = await post('/api/v1/reasons', { name: unique('Maintenance'), type: 'task_execution' });
  const group = await post('/api/v1/access-groups', {
    name: unique('tm-group'), users: [requester.id, ...roleUsers], approvers: roleUsers, rules: { reasonRequired: false, approvalsRequired: 1 },
  });
  const task = await post('/api/v1/tasks', { name: unique('tm-task'), templateId, credential: { kind: 'credential', credentialId: credential.id }, deviceIds: [device.id] });
  const deps = { store: api.store, clock: api.clock.read };
  const actor = { id: requester.id, name: requester.username };
  const run = await new RunService(deps).run(String(task.id), actor, { reasonId: String(reason.id) });
  const schedule = await new ScheduleService(deps).create(String(task.id), actor, { rule: { kind: 'cron', expression: '0 3 * * *', timeZone: 'UTC' } });
  return {
    taskDeviceId: String(device.id), taskCredentialId: String(credential.id), reasonId: String(reason.id), accessGroupId: String(group.id),
    taskId: String(task.id), runId: run.run.run.id, taskOperationId: run.operations[0]?.id ?? '', scheduleId: schedule.id,
  };
}

type Sample = RouteSample;

/** One sample per Task Manager route, in an order where each still finds its objects. */
export function taskManagerSamples(f: TaskManagerFixtures & { readonly templateId: string }): Sample[] {
  const v1 = '/api/v1';
  const answer = { answer: 'approve', justification: 'sample approval' };
  const rule = { kind: 'cron', expression: '0 3 * * *', timeZone: 'UTC' };
  return [
    { method: 'GET', route: `${v1}/reasons`, url: `${v1}/reasons`, permission: 'task:read' },
    { method: 'POST', route: `${v1}/reasons`, url: `${v1}/reasons`, permission: 'task:admin', body: { name: unique('Reason'), type: 'all' } },
    { method: 'PATCH', route: `${v1}/reasons/{id}`, url: `${v1}/reasons/${f.reasonId}`, permission: 'task:admin', body: { enabled: true } },
    { method: 'GET', route: `${v1}/tasks`, url: `${v1}/tasks`, permission: 'task:read' },
    { method: 'GET', route: `${v1}/tasks/{id}`, url: `${v1}/tasks/${f.taskId}`, permission: 'task:read' },
    { method: 'GET', route: `${v1}/templates/{id}/task-fields`, url: `${v1}/templates/${f.templateId}/task-fields`, permission: 'task:read' },
    { method: 'POST', route: `${v1}/tasks`, url: `${v1}/tasks`, permission: 'task:write', body: { name: unique('sample-task'), templateId: f.templateId, credential: { kind: 'credential', credentialId: f.taskCredentialId }, deviceIds: [f.taskDeviceId] } },
    { method: 'POST', route: `${v1}/tasks/{id}/runs`, url: `${v1}/tasks/${f.taskId}/runs`, permission: 'task:run', body: { reasonId: f.reasonId, justification: 'sample run' } },
    { method: 'GET', route: `${v1}/runs`, url: `${v1}/runs`, permission: 'task:read' },
    { method: 'GET', route: `${v1}/runs/{id}`, url: `${v1}/runs/${f.runId}`, permission: 'task:read' },
    { method: 'GET', route: `${v1}/runs/{id}/operations`, url: `${v1}/runs/${f.runId}/operations`, permission: 'task:read' },
    { method: 'GET', route: `${v1}/approvals/inbox`, url: `${v1}/approvals/inbox`, permission: 'approval:decide' },
    { method: 'POST', route: `${v1}/runs/{id}/approvals`, url: `${v1}/runs/${f.runId}/approvals`, permission: 'approval:decide', body: answer },
    { method: 'GET', route: `${v1}/access-groups`, url: `${v1}/access-groups`, permission: 'task:read' },
    { method: 'GET', route: `${v1}/access-groups/{id}`, url: `${v1}/access-groups/${f.accessGroupId}`, permission: 'task:read' },
    { method: 'POST', route: `${v1}/access-groups`, url: `${v1}/access-groups`, permission: 'task:admin', body: { name: unique('sample-group') } },
    { method: 'PATCH', route: `${v1}/access-groups/{id}`, url: `${v1}/access-groups/${f.accessGroupId}`, permission: 'task:admin', body: { enabled: true } },
    { method: 'POST', route: `${v1}/tasks/{id}/schedules`, url: `${v1}/tasks/${f.taskId}/schedules`, permission: 'task:run', body: { rule, reasonId: f.reasonId } },
    { method: 'GET', route: `${v1}/schedules`, url: `${v1}/schedules`, permission: 'task:read' },
    { method: 'POST', route: `${v1}/schedules/preview`, url: `${v1}/schedules/preview`, permission: 'task:read', readOnly: true, body: { rule, count: 3 } },
    { method: 'GET', route: `${v1}/schedules/{id}`, url: `${v1}/schedules/${f.scheduleId}`, permission: 'task:read' },
    { method: 'GET', route: `${v1}/schedules/{id}/fires`, url: `${v1}/schedules/${f.scheduleId}/fires`, permission: 'task:read' },
    { method: 'POST', route: `${v1}/schedules/{id}/approvals`, url: `${v1}/schedules/${f.scheduleId}/approvals`, permission: 'approval:decide', body: answer },
    { method: 'POST', route: `${v1}/schedules/{id}/cancel`, url: `${v1}/schedules/${f.scheduleId}/cancel`, permission: 'task:run', objectPermission: 'task:write' },
    { method: 'GET', route: `${v1}/task-reports/operations`, url: `${v1}/task-reports/operations?status=waiting_approval,scheduled`, permission: 'task:read' },
    { method: 'GET', route: `${v1}/task-reports/operations/{id}/attempts`, url: `${v1}/task-reports/operations/${f.taskOperationId}/attempts`, permission: 'task:read' },
    { method: 'GET', route: `${v1}/task-reports/users`, url: `${v1}/task-reports/users`, permission: 'task:read' },
    { method: 'GET', route: `${v1}/task-reports/dashboard`, url: `${v1}/task-reports/dashboard?from=2026-01-01&to=2026-02-01`, permission: 'task:read' },
    { method: 'PATCH', route: `${v1}/tasks/{id}`, url: `${v1}/tasks/${f.taskId}`, permission: 'task:write', body: { tags: ['sample'] } },
    { method: 'POST', route: `${v1}/tasks/{id}/devices/add`, url: `${v1}/tasks/${f.taskId}/devices/add`, permission: 'task:write', body: { deviceIds: [f.taskDeviceId] } },
    { method: 'POST', route: `${v1}/tasks/{id}/devices/remove`, url: `${v1}/tasks/${f.taskId}/devices/remove`, permission: 'task:write', body: { deviceIds: [f.runId] } },
    { method: 'DELETE', route: `${v1}/tasks/{id}`, url: `${v1}/tasks/${f.taskId}`, permission: 'task:write' },
    { method: 'DELETE', route: `${v1}/access-groups/{id}`, url: `${v1}/access-groups/${f.accessGroupId}`, permission: 'task:admin' },
  ];
}
