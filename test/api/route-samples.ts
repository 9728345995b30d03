import type { Permission } from '../../src/auth/permissions.js';
import type { ApiHarness } from './api-harness.js';
import { json, TEST_PASSWORD } from './api-harness.js';
import { createTaskManagerFixtures, taskManagerSamples, type TaskManagerFixtures } from './task-manager-fixtures.js';

/** Objects every route sample can point at. */
export interface Fixtures extends TaskManagerFixtures {
  readonly deviceId: string;
  readonly credentialId: string;
  readonly templateId: string;
  readonly operationId: string;
  readonly userId: string;
  readonly tokenId: string;
  readonly sinkId: string;
  readonly profileId: string;
}

/** One request per API route, with the permission the route needs (`null`: any login; `public`: none). */
export interface RouteSample {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** As OpenAPI writes it, e.g. `/api/v1/devices/{id}`. */
  readonly route: string;
  readonly url: string;
  readonly permission: Permission | null | 'public';
  /** Also needed when the object is not the caller's own (the sample's object is the admin's). */
  readonly objectPermission?: Permission;
  readonly body?: unknown;
  /** A POST that changes nothing (lint). */
  readonly readOnly?: true;
}

export const TASK_SOURCE = '# restart a service\nexec "systemctl restart [#SERVICE#]"\n';

/** Creates one of each object through the API as an admin. */
export async function createFixtures(api: ApiHarness): Promise<Fixtures> {
  const token = await api.tokenFor('admin');
  const post = async (url: string, body: unknown) => json<Record<string, unknown>>(await api.call('POST', url, { token, body }));
  const device = await post('/api/v1/devices', { name: `fixture-${Math.random()}`, address: '127.0.0.1' });
  const credential = await post('/api/v1/credentials', { deviceId: device.id, username: 'svc', secret: 'fixture-secret-value' });
  const template = await post('/api/v1/templates', { name: `fixture-${Math.random()}`, type: 'task', executor: 'local', source: 'exec "true"\n' });
  const templateId = (template.template as { id: string }).id;
  const operation = await post('/api/v1/operations', { templateId, deviceId: device.id, credentialId: credential.id });
  const user = await api.createUser(`fixture-${Math.random().toString(36).slice(2, 10)}`, ['operator']);
  const issued = await post('/api/v1/tokens', { name: 'fixture' });
  const profile = await post('/api/v1/rotation/profiles', { name: `fixture-${Math.random().toString(36).slice(2, 10)}` });
  const sink = await post('/api/v1/sinks', { name: `fixture-${Math.random().toString(36).slice(2, 10)}`, kind: 'syslog', config: { transport: 'udp', host: '127.0.0.1', port: 9 } });
  const taskManager = await createTaskManagerFixtures(api, templateId);
  return { ...taskManager, deviceId: String(device.id), credentialId: String(credential.id), templateId, operationId: String(operation.id), userId: user.id, tokenId: String(issued.id), sinkId: String(sink.id), profileId: String(profile.id) };
}

export function routeSamples(f: Fixtures): RouteSample[] {
  return [
    { method: 'GET', route: '/healthz', url: '/healthz', permission: 'public' },
    { method: 'GET', route: '/readyz', url: '/readyz', permission: 'public' },
    { method: 'POST', route: '/api/v1/auth/login', url: '/api/v1/auth/login', permission: 'public', body: { username: 'nobody', password: 'nothing-at-all' } },
    { method: 'POST', route: '/api/v1/auth/logout', url: '/api/v1/auth/logout', permission: null },
    { method: 'GET', route: '/api/v1/auth/me', url: '/api/v1/auth/me', permission: null },
    { method: 'POST', route: '/api/v1/auth/password', url: '/api/v1/auth/password', permission: 'token:own', body: { currentPassword: TEST_PASSWORD, newPassword: TEST_PASSWORD } },
    { method: 'GET', route: '/api/v1/tokens', url: '/api/v1/tokens', permission: 'token:own' },
    { method: 'POST', route: '/api/v1/tokens', url: '/api/v1/tokens', permission: 'token:own', body: { name: 'sample', permissions: [] } },
    { method: 'DELETE', route: '/api/v1/tokens/{id}', url: `/api/v1/tokens/${f.tokenId}`, permission: 'token:own', objectPermission: 'user:write' },
    { method: 'GET', route: '/api/v1/users', url: '/api/v1/users', permission: 'user:read' },
    { method: 'POST', route: '/api/v1/users', url: '/api/v1/users', permission: 'user:write', body: { username: `sample-${Math.random().toString(36).slice(2, 8)}`, password: 'a-long-enough-password', roles: ['auditor'] } },
    { method: 'GET', route: '/api/v1/users/{id}', url: `/api/v1/users/${f.userId}`, permission: 'user:read' },
    { method: 'PATCH', route: '/api/v1/users/{id}', url: `/api/v1/users/${f.userId}`, permission: 'user:write', body: { roles: ['operator'] } },
    { method: 'POST', route: '/api/v1/users/{id}/password', url: `/api/v1/users/${f.userId}/password`, permission: 'user:write', body: { password: 'a-long-enough-password' } },
    { method: 'POST', route: '/api/v1/users/{id}/unlock', url: `/api/v1/users/${f.userId}/unlock`, permission: 'user:write' },
    { method: 'GET', route: '/api/v1/devices', url: '/api/v1/devices', permission: 'device:read' },
    { method: 'POST', route: '/api/v1/devices', url: '/api/v1/devices', permission: 'device:write', body: { name: `sample-${Math.random()}`, address: '127.0.0.2' } },
    { method: 'GET', route: '/api/v1/devices/{id}', url: `/api/v1/devices/${f.deviceId}`, permission: 'device:read' },
    { method: 'PATCH', route: '/api/v1/devices/{id}', url: `/api/v1/devices/${f.deviceId}`, permission: 'device:write', body: { site: 'east' } },
    { method: 'DELETE', route: '/api/v1/devices/{id}', url: `/api/v1/devices/${f.deviceId}`, permission: 'device:write' },
    { method: 'GET', route: '/api/v1/credentials', url: '/api/v1/credentials', permission: 'credential:read' },
    { method: 'POST', route: '/api/v1/credentials', url: '/api/v1/credentials', permission: 'credential:write', body: { deviceId: f.deviceId, username: `u${Math.random().toString(36).slice(2, 8)}`, secret: 'sample-secret' } },
    { method: 'GET', route: '/api/v1/credentials/{id}', url: `/api/v1/credentials/${f.credentialId}`, permission: 'credential:read' },
    { method: 'PUT', route: '/api/v1/credentials/{id}/secret', url: `/api/v1/credentials/${f.credentialId}/secret`, permission: 'credential:write', body: { secret: 'fixture-secret-value' } },
    { method: 'DELETE', route: '/api/v1/credentials/{id}', url: `/api/v1/credentials/${f.credentialId}`, permission: 'credential:write' },
    { method: 'POST', route: '/api/v1/credentials/{id}/reveal', url: `/api/v1/credentials/${f.credentialId}/reveal`, permission: 'credential:reveal', body: { reason: 'sample reveal' } },
    { method: 'GET', route: '/api/v1/templates', url: '/api/v1/templates', permission: 'template:read' },
    { method: 'POST', route: '/api/v1/templates', url: '/api/v1/templates', permission: 'template:write', body: { name: `sample-${Math.random()}`, type: 'task', executor: 'ssh', source: TASK_SOURCE } },
    { method: 'GET', route: '/api/v1/templates/{id}', url: `/api/v1/templates/${f.templateId}`, permission: 'template:read' },
    { method: 'GET', route: '/api/v1/templates/{id}/versions', url: `/api/v1/templates/${f.templateId}/versions`, permission: 'template:read' },
    { method: 'POST', route: '/api/v1/templates/{id}/versions', url: `/api/v1/templates/${f.templateId}/versions`, permission: 'template:write', body: { source: 'exec "true"\n' } },
    { method: 'GET', route: '/api/v1/templates/{id}/versions/{version}', url: `/api/v1/templates/${f.templateId}/versions/1`, permission: 'template:read' },
    { method: 'POST', route: '/api/v1/templates/lint', url: '/api/v1/templates/lint', permission: 'template:read', readOnly: true, body: { source: TASK_SOURCE, executor: 'ssh', type: 'task' } },
    { method: 'GET', route: '/api/v1/operations', url: '/api/v1/operations', permission: 'operation:read' },
    { method: 'POST', route: '/api/v1/operations', url: '/api/v1/operations', permission: 'operation:submit', body: { templateId: f.templateId, deviceId: f.deviceId } },
    { method: 'GET', route: '/api/v1/operations/{id}', url: `/api/v1/operations/${f.operationId}`, permission: 'operation:read' },
    { method: 'GET', route: '/api/v1/operations/{id}/attempts', url: `/api/v1/operations/${f.operationId}/attempts`, permission: 'operation:read' },
    { method: 'GET', route: '/api/v1/operations/{id}/transcript', url: `/api/v1/operations/${f.operationId}/transcript`, permission: 'operation:read' },
    { method: 'POST', route: '/api/v1/operations/{id}/cancel', url: `/api/v1/operations/${f.operationId}/cancel`, permission: 'operation:control', body: { reason: 'sample' } },
    { method: 'POST', route: '/api/v1/operations/{id}/restart', url: `/api/v1/operations/${f.operationId}/restart`, permission: 'operation:control' },
    { method: 'POST', route: '/api/v1/operations/{id}/run-now', url: `/api/v1/operations/${f.operationId}/run-now`, permission: 'operation:control' },
    { method: 'GET', route: '/api/v1/audit/events', url: '/api/v1/audit/events', permission: 'audit:read' },
    { method: 'GET', route: '/api/v1/operations/{id}/transcript/stream', url: `/api/v1/operations/${f.operationId}/transcript/stream?follow=false`, permission: 'operation:read' },
    { method: 'GET', route: '/api/v1/events/stream', url: '/api/v1/events/stream?after=0&follow=false', permission: 'event:read' },
    { method: 'GET', route: '/api/v1/sinks', url: '/api/v1/sinks', permission: 'sink:admin' },
    { method: 'POST', route: '/api/v1/sinks', url: '/api/v1/sinks', permission: 'sink:admin', body: { name: `sample-${Math.random().toString(36).slice(2, 10)}`, kind: 'syslog', config: { transport: 'udp', host: '127.0.0.1', port: 9 } } },
    { method: 'GET', route: '/api/v1/sinks/{id}', url: `/api/v1/sinks/${f.sinkId}`, permission: 'sink:admin' },
    { method: 'PATCH', route: '/api/v1/sinks/{id}', url: `/api/v1/sinks/${f.sinkId}`, permission: 'sink:admin', body: { enabled: false } },
    { method: 'GET', route: '/api/v1/sinks/{id}/deliveries', url: `/api/v1/sinks/${f.sinkId}/deliveries`, permission: 'sink:admin' },
    { method: 'DELETE', route: '/api/v1/sinks/{id}', url: `/api/v1/sinks/${f.sinkId}`, permission: 'sink:admin' },
    { method: 'GET', route: '/api/v1/events', url: '/api/v1/events?after=0&limit=5', permission: 'event:read' },
    { method: 'GET', route: '/api/v1/credentials/{id}/rotation', url: `/api/v1/credentials/${f.credentialId}/rotation`, permission: 'rotation:read' },
    { method: 'PUT', route: '/api/v1/credentials/{id}/rotation', url: `/api/v1/credentials/${f.credentialId}/rotation`, permission: 'rotation:admin', body: { profileId: f.profileId } },
    { method: 'GET', route: '/api/v1/credentials/{id}/rotation/history', url: `/api/v1/credentials/${f.credentialId}/rotation/history`, permission: 'rotation:read' },
    { method: 'POST', route: '/api/v1/credentials/{id}/rotate', url: `/api/v1/credentials/${f.credentialId}/rotate`, permission: 'rotation:request' },
    { method: 'POST', route: '/api/v1/credentials/{id}/verify', url: `/api/v1/credentials/${f.credentialId}/verify`, permission: 'rotation:request' },
    { method: 'POST', route: '/api/v1/credentials/{id}/reconcile', url: `/api/v1/credentials/${f.credentialId}/reconcile`, permission: 'rotation:request' },
    { method: 'DELETE', route: '/api/v1/credentials/{id}/rotation', url: `/api/v1/credentials/${f.credentialId}/rotation`, permission: 'rotation:admin' },
    { method: 'POST', route: '/api/v1/rotations', url: '/api/v1/rotations', permission: 'rotation:request', body: { credentialIds: [f.credentialId] } },
    { method: 'GET', route: '/api/v1/rotation/profiles', url: '/api/v1/rotation/profiles', permission: 'rotation:read' },
    { method: 'POST', route: '/api/v1/rotation/profiles', url: '/api/v1/rotation/profiles', permission: 'rotation:admin', body: { name: `sample-${Math.random().toString(36).slice(2, 10)}`, policy: { changeEveryDays: 30 } } },
    { method: 'GET', route: '/api/v1/rotation/profiles/{id}', url: `/api/v1/rotation/profiles/${f.profileId}`, permission: 'rotation:read' },
    { method: 'PUT', route: '/api/v1/rotation/profiles/{id}', url: `/api/v1/rotation/profiles/${f.profileId}`, permission: 'rotation:admin', body: { name: `sample-${Math.random().toString(36).slice(2, 10)}` } },
    { method: 'DELETE', route: '/api/v1/rotation/profiles/{id}', url: `/api/v1/rotation/profiles/${f.profileId}`, permission: 'rotation:admin' },
    { method: 'GET', route: '/api/v1/audit/verify', url: '/api/v1/audit/verify', permission: 'audit:read' },
    ...taskManagerSamples(f),
  ];
}
