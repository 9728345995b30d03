import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { ROLE_PERMISSIONS, ROLES } from '../../src/auth/permissions.js';
import type { Role } from '../../src/auth/permissions.js';
import { dialectSkip, dialects } from '../support/stores.js';
import { ApiHarness, json } from './api-harness.js';
import { createFixtures, routeSamples } from './route-samples.js';
import type { Fixtures, RouteSample } from './route-samples.js';

function documentedRoutes(): Map<string, string> {
  const markdown = readFileSync(new URL('../../docs/permissions.md', import.meta.url), 'utf8');
  const rows = new Map<string, string>();
  for (const match of markdown.matchAll(/^\| `(GET|POST|PUT|PATCH|DELETE) ([^`]+)` \| ([^|]+) \|$/gm)) rows.set(`${match[1]} ${match[2]}`, (match[3] ?? '').trim());
  return rows;
}

function expectedCell(sample: RouteSample): string {
  if (sample.permission === 'public') return 'none (public)';
  if (sample.permission === null) return 'any login';
  return sample.objectPermission === undefined ? `\`${sample.permission}\`` : `\`${sample.permission}\` (+ \`${sample.objectPermission}\` for another user’s)`;
}

const holds = (role: Role, permission: string) => (ROLE_PERMISSIONS[role] as readonly string[]).includes(permission);

for (const dialect of dialects) {
  describe(`permissions on every route (${dialect})`, { skip: await dialectSkip(dialect) }, () => {
    let api: ApiHarness;
    let fixtures: Fixtures;
    before(async () => {
      api = await ApiHarness.start(dialect);
      fixtures = await createFixtures(api);
    });
    after(async () => api?.stop());

    it('the samples cover exactly the routes of the OpenAPI document, and docs/permissions.md lists each one’s permission', async () => {
      const doc = json<{ paths: Record<string, Record<string, unknown>> }>(await api.call('GET', '/api/docs/json'));
      const documented = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
      const samples = routeSamples(fixtures);
      assert.deepEqual(samples.map((sample) => `${sample.method} ${sample.route}`).sort(), documented.sort());
      const table = documentedRoutes();
      assert.deepEqual([...table.keys()].sort(), documented.sort());
      for (const sample of samples) assert.equal(table.get(`${sample.method} ${sample.route}`), expectedCell(sample), `${sample.method} ${sample.route}`);
    });

    it('a role without a route’s permission gets OST_FORBIDDEN naming it, before the body is even read', async () => {
      for (const role of ROLES) {
        const token = await api.tokenFor(role);
        for (const sample of routeSamples(fixtures)) {
          if (sample.permission === null || sample.permission === 'public' || holds(role, sample.permission)) continue;
          const response = await api.call(sample.method, sample.url, { token, body: { unexpected: 'shape' } });
          assert.equal(response.statusCode, 403, `${role} ${sample.method} ${sample.url}: ${response.body}`);
          assert.deepEqual(json(response).code, 'OST_FORBIDDEN');
          assert.equal((json(response).details as { permission: string }).permission, sample.permission);
        }
      }
    });

    it('a role with the permission passes authorization on every route', async () => {
      for (const role of ROLES) {
        const token = await api.tokenFor(role);
        for (const sample of routeSamples(await createFixtures(api))) {
          if (sample.permission !== null && sample.permission !== 'public' && !holds(role, sample.permission)) continue;
          const response = await api.call(sample.method, sample.url, { token, body: sample.body });
          const label = `${role} ${sample.method} ${sample.url}: ${response.body}`;
          assert.ok(response.statusCode < 500, label);
          if (sample.objectPermission !== undefined && !holds(role, sample.objectPermission)) {
            assert.equal((json(response).details as { permission: string }).permission, sample.objectPermission, label);
          } else if (sample.permission !== 'public') {
            assert.ok(![401, 403].includes(response.statusCode), label);
          }
        }
      }
    });

    it('an operator cannot reveal a credential', async () => {
      const response = await api.call('POST', `/api/v1/credentials/${fixtures.credentialId}/reveal`, { token: await api.tokenFor('operator'), body: { reason: 'I would like to see it' } });
      assert.deepEqual([response.statusCode, json(response).code], [403, 'OST_FORBIDDEN']);
      assert.ok(!response.body.includes('fixture-secret-value'));
    });

    it('an auditor cannot change anything but its own tokens and password', async () => {
      const token = await api.tokenFor('auditor');
      const before = (await api.store.audit.head()).seq;
      for (const sample of routeSamples(fixtures)) {
        if (sample.method === 'GET' || sample.readOnly === true || sample.permission === 'public' || sample.permission === null || sample.permission === 'token:own') continue;
        const response = await api.call(sample.method, sample.url, { token, body: sample.body });
        assert.equal(response.statusCode, 403, `${sample.method} ${sample.url}`);
      }
      assert.equal((await api.store.audit.head()).seq, before, 'nothing was changed, so nothing was audited');
      assert.equal((await api.call('GET', '/api/v1/audit/events', { token })).statusCode, 200);
    });
  });
}
