import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dialectSkip, dialects } from '../support/stores.js';
import { ApiHarness, json } from './api-harness.js';
import { TASK_SOURCE } from './route-samples.js';

interface Page<T> {
  items: T[];
  next: string | null;
}

for (const dialect of dialects) {
  describe(`devices over the API (${dialect})`, { skip: await dialectSkip(dialect) }, () => {
    let api: ApiHarness;
    let token: string;
    before(async () => {
      api = await ApiHarness.start(dialect);
      token = await api.tokenFor('operator');
    });
    after(async () => api?.stop());

    it('creates, shows, changes, pages and deletes devices, auditing each change', async () => {
      const created = await api.call('POST', '/api/v1/devices', { token, body: { name: 'web-01', address: '10.0.0.1', tags: ['prod'], site: 'east' } });
      assert.equal(created.statusCode, 201);
      const device = json<{ id: string; port: number; createdAt: string }>(created);
      assert.equal(device.port, 22);
      assert.match(device.createdAt, /^\d{4}-\d\d-\d\dT/);
      assert.deepEqual(json(await api.call('GET', `/api/v1/devices/${device.id}`, { token })), device);
      const changed = json<{ port: number; site: string; name: string }>(await api.call('PATCH', `/api/v1/devices/${device.id}`, { token, body: { port: 2222 } }));
      assert.deepEqual([changed.port, changed.site, changed.name], [2222, 'east', 'web-01']);
      for (let i = 2; i <= 4; i += 1) await api.call('POST', '/api/v1/devices', { token, body: { name: `web-0${i}`, address: `10.0.0.${i}` } });
      const first = json<Page<{ name: string }>>(await api.call('GET', '/api/v1/devices?limit=3', { token }));
      const second = json<Page<{ name: string }>>(await api.call('GET', `/api/v1/devices?limit=3&after=${first.next}`, { token }));
      assert.deepEqual([...first.items, ...second.items].map((item) => item.name), ['web-01', 'web-02', 'web-03', 'web-04']);
      assert.equal(second.next, null);
      assert.equal((await api.call('DELETE', `/api/v1/devices/${device.id}`, { token })).statusCode, 204);
      const gone = await api.call('GET', `/api/v1/devices/${device.id}`, { token });
      assert.deepEqual([gone.statusCode, json(gone).code], [404, 'OST_NOT_FOUND']);
      const actions = (await api.store.audit.query({ objectId: device.id })).items.map((event) => event.action).toReversed();
      assert.deepEqual(actions, ['device.create', 'device.update', 'device.delete']);
    });

    it('refuses a duplicate name and a bad cursor with codes that name the field', async () => {
      await api.call('POST', '/api/v1/devices', { token, body: { name: 'dup', address: 'a' } });
      const duplicate = await api.call('POST', '/api/v1/devices', { token, body: { name: 'dup', address: 'b' } });
      assert.deepEqual([duplicate.statusCode, json(duplicate).code, (json(duplicate).details as { field: string }).field], [409, 'OST_CONFLICT', 'device.name']);
      const cursor = await api.call('GET', '/api/v1/devices?after=garbage', { token });
      assert.deepEqual([cursor.statusCode, json(cursor).code], [400, 'OST_VALIDATION']);
      const missing = await api.call('POST', '/api/v1/devices', { token, body: { address: 'x' } });
      assert.equal((json(missing).details as { field: string }).field, 'name');
    });
  });

  describe(`templates over the API (${dialect})`, { skip: await dialectSkip(dialect) }, () => {
    let api: ApiHarness;
    let author: string;
    before(async () => {
      api = await ApiHarness.start(dialect);
      author = await api.tokenFor('template_author');
    });
    after(async () => api?.stop());

    it('creates a template at version 1, saves new versions and shows each one', async () => {
      const created = await api.call('POST', '/api/v1/templates', { token: author, body: { name: 'restart', type: 'task', executor: 'ssh', source: TASK_SOURCE } });
      assert.equal(created.statusCode, 201, created.body);
      const saved = json<{ template: { id: string; latestVersion: number }; version: { version: number; author: string }; diagnostics: unknown[] }>(created);
      assert.deepEqual([saved.template.latestVersion, saved.version.version, saved.version.author], [1, 1, 'u-template-author']);
      const id = saved.template.id;
      const next = json<{ template: { latestVersion: number }; version: { version: number } }>(await api.call('POST', `/api/v1/templates/${id}/versions`, { token: author, body: { source: `${TASK_SOURCE}exec "echo done"\n` } }));
      assert.deepEqual([next.template.latestVersion, next.version.version], [2, 2]);
      const shown = json<{ latest: { version: number; source: string } }>(await api.call('GET', `/api/v1/templates/${id}`, { token: author }));
      assert.equal(shown.latest.version, 2);
      assert.match(shown.latest.source, /echo done/);
      const versions = json<Page<{ version: number }>>(await api.call('GET', `/api/v1/templates/${id}/versions`, { token: author }));
      assert.deepEqual(versions.items.map((entry) => entry.version).sort(), [1, 2]);
      const one = json<{ source: string }>(await api.call('GET', `/api/v1/templates/${id}/versions/1`, { token: author }));
      assert.equal(one.source, TASK_SOURCE);
      assert.equal(json(await api.call('GET', `/api/v1/templates/${id}/versions/9`, { token: author })).code, 'OST_NOT_FOUND');
      assert.equal(json<Page<unknown>>(await api.call('GET', '/api/v1/templates', { token: author })).items.length, 1);
    });

    it('refuses to save a source lint finds an error in, with every diagnostic', async () => {
      const response = await api.call('POST', '/api/v1/templates', { token: author, body: { name: 'broken', type: 'task', executor: 'ssh', source: 'frobnicate "x"\n' } });
      assert.deepEqual([response.statusCode, json(response).code], [400, 'OST_TEMPLATE_LINT']);
      const details = json<{ details: { field: string; diagnostics: { rule: string }[] } }>(response).details;
      assert.equal(details.field, 'template.source');
      assert.ok(details.diagnostics.length > 0);
    });

    it('lints a source without saving it', async () => {
      const clean = json<{ ok: boolean; diagnostics: unknown[] }>(await api.call('POST', '/api/v1/templates/lint', { token: author, body: { source: TASK_SOURCE, executor: 'ssh', type: 'task' } }));
      assert.equal(clean.ok, true);
      const broken = json<{ ok: boolean; diagnostics: { severity: string; line: number; column: number; rule: string }[] }>(
        await api.call('POST', '/api/v1/templates/lint', { token: author, body: { source: 'exec "ok"\nfrobnicate\n', executor: 'ssh' } }),
      );
      assert.equal(broken.ok, false);
      assert.ok(broken.diagnostics.some((entry) => entry.severity === 'error' && entry.line === 2));
      const badExecutor = await api.call('POST', '/api/v1/templates/lint', { token: author, body: { source: 'x', executor: 'telnet' } });
      assert.equal((json(badExecutor).details as { field: string }).field, 'executor');
    });
  });
}
