import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dialectSkip, dialects } from '../support/stores.js';
import { ApiHarness, json } from './api-harness.js';

interface OperationView {
  id: string;
  status: string;
  statusLabel: string;
  templateVersion: number;
  requester: string;
  priority: number;
  variables: Record<string, string>;
  cancelRequested: boolean;
}

interface Page<T> {
  items: T[];
  next: string | null;
}

for (const dialect of dialects) {
  describe(`operations over the API (${dialect})`, { skip: await dialectSkip(dialect) }, () => {
    let api: ApiHarness;
    let operator: string;
    let ids: { deviceA: string; deviceB: string; credentialA: string; credentialB: string; template: string };

    const submit = async (body: Record<string, unknown>) => api.call('POST', '/api/v1/operations', { token: operator, body: { templateId: ids.template, ...body } });

    before(async () => {
      api = await ApiHarness.start(dialect);
      operator = await api.tokenFor('operator');
      const admin = await api.tokenFor('admin');
      const post = async (url: string, body: unknown) => json<{ id: string; template?: { id: string } }>(await api.call('POST', url, { token: admin, body }));
      const deviceA = (await post('/api/v1/devices', { name: 'a', address: '10.0.0.1' })).id;
      const deviceB = (await post('/api/v1/devices', { name: 'b', address: '10.0.0.2' })).id;
      const credentialA = (await post('/api/v1/credentials', { deviceId: deviceA, username: 'svc', secret: 'pw-a-123' })).id;
      const credentialB = (await post('/api/v1/credentials', { deviceId: deviceB, username: 'svc', secret: 'pw-b-123' })).id;
      const saved = await post('/api/v1/templates', { name: 'restart', type: 'task', executor: 'local', source: 'exec "systemctl restart [#SERVICE#]"\n' });
      await api.call('POST', `/api/v1/templates/${saved.template?.id}/versions`, { token: admin, body: { source: 'exec "true"\n' } });
      ids = { deviceA, deviceB, credentialA, credentialB, template: saved.template?.id ?? '' };
    });
    after(async () => api?.stop());

    it('submits an operation pinned to the latest template version, requested by the caller', async () => {
      const response = await submit({ deviceId: ids.deviceA, credentialId: ids.credentialA, variables: { service: 'backup' } });
      assert.equal(response.statusCode, 201, response.body);
      const operation = json<OperationView>(response);
      assert.deepEqual([operation.status, operation.statusLabel, operation.templateVersion, operation.requester], ['scheduled', 'Scheduled', 2, 'u-operator']);
      assert.deepEqual(operation.variables, { SERVICE: 'backup' });
      assert.deepEqual(json(await api.call('GET', `/api/v1/operations/${operation.id}`, { token: operator })), operation);
      const pinned = json<OperationView>(await submit({ deviceId: ids.deviceA, templateVersion: 1 }));
      assert.equal(pinned.templateVersion, 1);
    });

    it('refuses inconsistent submissions with codes that name the field', async () => {
      const crossed = await submit({ deviceId: ids.deviceA, credentialId: ids.credentialB });
      assert.deepEqual([crossed.statusCode, (json(crossed).details as { field: string }).field], [400, 'credentialId']);
      const version = await submit({ templateVersion: 7 });
      assert.equal((json(version).details as { field: string }).field, 'templateVersion');
      const type = await submit({ type: 'verify' });
      assert.equal((json(type).details as { field: string }).field, 'templateId');
      const missing = await api.call('POST', '/api/v1/operations', { token: operator, body: { templateId: '00000000-0000-4000-8000-000000000000' } });
      assert.deepEqual([missing.statusCode, json(missing).code], [404, 'OST_NOT_FOUND']);
      const rotation = await submit({ type: 'password_change' });
      assert.equal((json(rotation).details as { field: string }).field, 'type');
      const variable = await submit({ variables: { 'bad name': 'x' } });
      assert.equal(json(variable).code, 'OST_VALIDATION');
    });

    it('lists with filters by status, device, credential, requester and date, page by page', async () => {
      const onB = json<OperationView>(await submit({ deviceId: ids.deviceB, credentialId: ids.credentialB }));
      const admin = await api.tokenFor('admin');
      const byAdmin = json<OperationView>(await api.call('POST', '/api/v1/operations', { token: admin, body: { templateId: ids.template, deviceId: ids.deviceB } }));
      await api.call('POST', `/api/v1/operations/${byAdmin.id}/cancel`, { token: admin, body: { reason: 'not needed' } });
      const list = async (query: string) => json<Page<OperationView>>(await api.call('GET', `/api/v1/operations?${query}`, { token: operator })).items.map((item) => item.id);
      assert.deepEqual((await list(`deviceId=${ids.deviceB}`)).sort(), [byAdmin.id, onB.id].sort());
      assert.deepEqual(await list(`credentialId=${ids.credentialB}`), [onB.id]);
      assert.deepEqual(await list('requester=u-admin'), [byAdmin.id]);
      assert.deepEqual(await list('status=cancelled'), [byAdmin.id]);
      assert.ok((await list('status=scheduled,cancelled')).length >= 4);
      const now = new Date(api.clock.now).toISOString();
      assert.ok((await list(`from=${encodeURIComponent(now)}`)).length >= 4);
      assert.deepEqual(await list(`to=${api.clock.now - 60_000}`), []);
      const bad = await api.call('GET', '/api/v1/operations?status=sleeping', { token: operator });
      assert.deepEqual([bad.statusCode, (json(bad).details as { field: string }).field], [400, 'status.0']);
      const first = json<Page<OperationView>>(await api.call('GET', '/api/v1/operations?limit=2', { token: operator }));
      const second = json<Page<OperationView>>(await api.call('GET', `/api/v1/operations?limit=2&after=${first.next}`, { token: operator }));
      assert.equal(new Set([...first.items, ...second.items].map((item) => item.id)).size, 4);
    });

    it('shows attempts and the redacted transcript a worker recorded, and restarts a failed operation', async () => {
      const operation = json<OperationView>(await submit({ deviceId: ids.deviceA }));
      await api.store.operations.runImmediately(operation.id, 'test');
      const claim = await api.store.operations.claimNext({ workerId: 'w1', leaseMs: 60_000, perDeviceLimit: 5, executors: ['local'] });
      assert.equal(claim?.operation.id, operation.id);
      await api.store.operations.appendTranscript(claim.attempt.id, 'w1', '$ systemctl restart backup\n');
      await api.store.operations.complete(operation.id, claim.attempt.id, 'w1', { outcome: 'failed', nextStatus: 'failed', errorCode: 'OST_EXEC_STEP_FAILED', message: 'exit 1' });
      const attempts = json<Page<{ number: number; outcome: string; errorCode: string }>>(await api.call('GET', `/api/v1/operations/${operation.id}/attempts`, { token: operator }));
      assert.deepEqual(attempts.items.map((attempt) => [attempt.number, attempt.outcome, attempt.errorCode]), [[1, 'failed', 'OST_EXEC_STEP_FAILED']]);
      const transcript = json<{ attempts: { number: number; transcript: string }[] }>(await api.call('GET', `/api/v1/operations/${operation.id}/transcript`, { token: operator }));
      assert.match(transcript.attempts[0]?.transcript ?? '', /systemctl restart backup/);
      const restarted = await api.call('POST', `/api/v1/operations/${operation.id}/restart`, { token: operator });
      assert.equal(json<OperationView>(restarted).status, 'scheduled');
      const again = await api.call('POST', `/api/v1/operations/${operation.id}/restart`, { token: operator });
      assert.deepEqual([again.statusCode, json(again).code], [409, 'OST_ILLEGAL_TRANSITION']);
    });

    it('runs a scheduled operation immediately, cancels it, and audits who did it and why', async () => {
      const operation = json<OperationView>(await submit({ deviceId: ids.deviceA, notBefore: new Date(api.clock.now + 3600_000).toISOString() }));
      const now = json<OperationView>(await api.call('POST', `/api/v1/operations/${operation.id}/run-now`, { token: operator }));
      assert.equal(now.priority, 100);
      const cancelled = json<OperationView>(await api.call('POST', `/api/v1/operations/${operation.id}/cancel`, { token: operator, body: { reason: 'wrong host' } }));
      assert.equal(cancelled.status, 'cancelled');
      const twice = await api.call('POST', `/api/v1/operations/${operation.id}/cancel`, { token: operator });
      assert.equal(json(twice).code, 'OST_ILLEGAL_TRANSITION');
      await api.audit.projectAll();
      const events = (await api.store.audit.query({ objectType: 'operation', objectId: operation.id })).items.toReversed();
      assert.deepEqual(events.map((event) => event.action), ['operation.scheduled', 'operation.submit', 'operation.run_immediately', 'operation.run_now', 'operation.cancelled', 'operation.cancel']);
      const cancel = events.find((event) => event.action === 'operation.cancel');
      assert.deepEqual([cancel?.reason, cancel?.actorName], ['wrong host', 'u-operator']);
      assert.equal((await api.audit.verify()).ok, true);
    });

    it('answers unknown operations with OST_NOT_FOUND on every operation route', async () => {
      const id = '00000000-0000-4000-8000-000000000001';
      for (const [method, suffix] of [['GET', ''], ['GET', '/attempts'], ['GET', '/transcript'], ['POST', '/cancel'], ['POST', '/restart'], ['POST', '/run-now']] as const) {
        const response = await api.call(method, `/api/v1/operations/${id}${suffix}`, { token: operator });
        assert.deepEqual([response.statusCode, json(response).code], [404, 'OST_NOT_FOUND'], `${method} ${suffix}`);
      }
    });
  });
}
