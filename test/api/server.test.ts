import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ERROR_CATALOGUE } from '../../src/domain/index.js';
import { ApiHarness, json } from './api-harness.js';

describe('API server basics (sqlite)', () => {
  let api: ApiHarness;
  before(async () => (api = await ApiHarness.start('sqlite')));
  after(async () => api?.stop());

  it('GET /healthz answers without authentication', async () => {
    const response = await api.call('GET', '/healthz');
    assert.equal(response.statusCode, 200);
    assert.deepEqual(json(response), { status: 'ok' });
  });

  it('GET /readyz reports the store reachable', async () => {
    const response = await api.call('GET', '/readyz');
    assert.equal(response.statusCode, 200);
    assert.deepEqual(json(response), { status: 'ready' });
  });

  it('an unknown route answers with a catalogue code, not Fastify’s default', async () => {
    for (const url of ['/api/v1/nope', '/nope', '/api/v2/devices']) {
      const response = await api.call('GET', url);
      assert.equal(response.statusCode, 404);
      const body = json(response);
      assert.equal(body.code, 'OST_ROUTE_NOT_FOUND');
      assert.deepEqual(Object.keys(body).sort(), ['code', 'details', 'message']);
    }
  });

  it('serves an OpenAPI 3 document listing every API route, and a browsable page', async () => {
    const doc = json<{ openapi: string; paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } }>(await api.call('GET', '/api/docs/json'));
    assert.match(doc.openapi, /^3\./);
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
    const routes = api.app.printRoutes({ commonPrefix: false });
    for (const route of ['POST /api/v1/credentials/{id}/reveal', 'GET /api/v1/operations', 'GET /api/v1/audit/verify', 'POST /api/v1/auth/login', 'POST /api/v1/templates/lint']) {
      assert.ok(documented.includes(route), `${route} in ${documented.join(', ')}`);
    }
    assert.ok(routes.includes('reveal'));
    assert.ok('Credential' in doc.components.schemas && 'Error' in doc.components.schemas);
    const page = await api.call('GET', '/api/docs/');
    assert.equal(page.statusCode, 200);
    assert.match(page.headers['content-type'] as string, /text\/html/);
  });

  it('malformed bodies get catalogue errors that name the body', async () => {
    const token = await api.tokenFor('admin');
    const bad = await api.call('POST', '/api/v1/devices', { token, body: '{"name":', headers: { 'content-type': 'application/json' } });
    assert.equal(bad.statusCode, 400);
    assert.equal(json(bad).code, 'OST_VALIDATION');
    assert.equal((json(bad).details as { field: string }).field, 'body');
    const media = await api.call('POST', '/api/v1/devices', { token, body: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(media.statusCode, 415);
    assert.equal(json(media).code, 'OST_UNSUPPORTED_MEDIA_TYPE');
    const large = await api.call('POST', '/api/v1/devices', { token, body: JSON.stringify({ name: 'x'.repeat(1_100_000) }), headers: { 'content-type': 'application/json' } });
    assert.equal(large.statusCode, 413);
    assert.equal(json(large).code, 'OST_PAYLOAD_TOO_LARGE');
  });

  it('validation errors name the field and never echo a stack', async () => {
    const token = await api.tokenFor('admin');
    const response = await api.call('POST', '/api/v1/devices', { token, body: { name: 'web-1', address: '10.0.0.5', port: 70000 } });
    assert.equal(response.statusCode, 400);
    const body = json<{ code: string; message: string; details: { field: string; in: string } }>(response);
    assert.equal(body.code, 'OST_VALIDATION');
    assert.equal(body.details.field, 'port');
    assert.equal(body.details.in, 'body');
    assert.match(body.message, /^port: /);
    assert.ok(!JSON.stringify(body).includes('    at '));
    const unknownKey = json<{ details: { field: string } }>(await api.call('POST', '/api/v1/devices', { token, body: { name: 'a', address: 'b', colour: 'red' } }));
    assert.equal(unknownKey.details.field, 'colour');
    const badQuery = json<{ details: { field: string; in: string } }>(await api.call('GET', '/api/v1/devices?limit=0', { token }));
    assert.deepEqual([badQuery.details.field, badQuery.details.in], ['limit', 'querystring']);
    const badParam = json<{ details: { field: string; in: string } }>(await api.call('GET', '/api/v1/devices/not-a-uuid', { token }));
    assert.deepEqual([badParam.details.field, badParam.details.in], ['id', 'params']);
  });

  it('every error code the API can answer with is in the catalogue', async () => {
    const response = await api.call('GET', '/api/v1/devices');
    assert.ok(json<{ code: string }>(response).code in ERROR_CATALOGUE);
  });
});
