import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiHarness, json } from '../api/api-harness.js';

const SECRET = 'whsec-api-0123456789abcdef';

describe('sinks through the API', () => {
  let api: ApiHarness;
  let admin: string;
  before(async () => {
    api = await ApiHarness.start('sqlite');
    admin = await api.tokenFor('admin');
  });
  after(async () => api?.stop());

  it('admins create, list, change and delete sinks; the secret is write-only and every change is audited', async () => {
    const created = await api.call('POST', '/api/v1/sinks', { token: admin, body: { name: 'hook', kind: 'webhook', config: { url: 'https://hooks.example.net/x', events: ['credential.*'] }, secret: SECRET } });
    assert.equal(created.statusCode, 201, created.body);
    const sink = json<{ id: string; hasSecret: boolean; managedBy: string; state: { lag: number } }>(created);
    assert.equal(sink.hasSecret, true);
    assert.equal(sink.managedBy, 'api');
    assert.equal(typeof sink.state.lag, 'number');
    const list = await api.call('GET', '/api/v1/sinks', { token: admin });
    assert.deepEqual(json<{ items: { id: string }[] }>(list).items.map((s) => s.id), [sink.id]);
    const changed = await api.call('PATCH', `/api/v1/sinks/${sink.id}`, { token: admin, body: { enabled: false, secret: `${SECRET}-2` } });
    assert.equal(changed.statusCode, 200, changed.body);
    assert.equal(json<{ enabled: boolean }>(changed).enabled, false);
    const deliveries = await api.call('GET', `/api/v1/sinks/${sink.id}/deliveries`, { token: admin });
    assert.deepEqual(json(deliveries), { items: [], next: null });
    const deleted = await api.call('DELETE', `/api/v1/sinks/${sink.id}`, { token: admin });
    assert.equal(deleted.statusCode, 204);
    assert.equal((await api.call('GET', `/api/v1/sinks/${sink.id}`, { token: admin })).statusCode, 404);
    const audit = await api.store.audit.query({ objectType: 'sink' });
    assert.deepEqual(audit.items.map((e) => e.action).filter((a) => !a.includes('ed')).toReversed(), ['sink.create', 'sink.update', 'sink.delete']);
    const everything = JSON.stringify({ audit: (await api.store.audit.query({})).items, outbox: await api.store.outbox.read(0, 1000), responses: [created.body, changed.body, list.body], logs: api.logs });
    assert.equal(everything.includes(SECRET), false, 'the signing secret appears nowhere');
  });

  it('refuses bad settings naming the field, a webhook without secret, and config-file-only fields', async () => {
    const bad = await api.call('POST', '/api/v1/sinks', { token: admin, body: { name: 's1', kind: 'syslog', config: { transport: 'tcp', host: 'h', port: 70000 } } });
    assert.equal(bad.statusCode, 400);
    assert.equal(json<{ code: string; details: { field: string } }>(bad).details.field, 'config.port');
    const unsigned = await api.call('POST', '/api/v1/sinks', { token: admin, body: { name: 's2', kind: 'webhook', config: { url: 'https://x.example' } } });
    assert.equal(json<{ details: { field: string } }>(unsigned).details.field, 'secret');
    const fromFile = await api.call('POST', '/api/v1/sinks', { token: admin, body: { name: 's3', kind: 'webhook', config: { url: 'https://x.example', secretFile: '/etc/shadow' }, secret: SECRET } });
    assert.equal(json<{ details: { field: string } }>(fromFile).details.field, 'config.secretFile');
  });

  it('config-file sinks are shown but not changed through the API', async () => {
    const sink = await api.store.sinks.create({ name: 'from-file', kind: 'syslog', managedBy: 'config', actor: 'system:config-file', config: { transport: 'udp', host: '127.0.0.1', port: 514 } });
    const patched = await api.call('PATCH', `/api/v1/sinks/${sink.id}`, { token: admin, body: { enabled: false } });
    assert.equal(patched.statusCode, 409);
    assert.equal((await api.call('DELETE', `/api/v1/sinks/${sink.id}`, { token: admin })).statusCode, 409);
  });

  it('only admins see or touch sinks', async () => {
    for (const role of ['operator', 'auditor', 'approver', 'template_author'] as const) {
      const token = await api.tokenFor(role);
      assert.equal((await api.call('GET', '/api/v1/sinks', { token })).statusCode, 403, role);
      const post = await api.call('POST', '/api/v1/sinks', { token, body: { name: `x-${role.replace('_', '-')}`, kind: 'syslog', config: { transport: 'udp', host: 'h', port: 1 } } });
      assert.equal(post.statusCode, 403, role);
    }
  });
});
