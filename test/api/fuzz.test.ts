import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { ERROR_CATALOGUE } from '../../src/domain/index.js';
import type { ErrorCode } from '../../src/domain/index.js';
import { dialectSkip, dialects } from '../support/stores.js';
import { ApiHarness } from './api-harness.js';
import { createFixtures, routeSamples } from './route-samples.js';
import type { Fixtures, RouteSample } from './route-samples.js';

/**
 * Randomized and malformed requests over every route: no answer is a 5xx, and every error
 * is `{ code, message, details }` with a catalogue code whose status is the one sent.
 * `npm test` runs a few hundred; `npm run test:fuzz` sets OSTIARY_FUZZ_REQUESTS=10000 (split
 * across the dialects).
 */
const TOTAL = Number(process.env.OSTIARY_FUZZ_REQUESTS ?? 400);
const PER_DIALECT = Math.max(1, Math.floor(TOTAL / dialects.length));
/** Recreate the objects the samples point at this often (random DELETEs remove them). */
const REFRESH_EVERY = 250;

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'] as const;
const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream', ''];
const AUTH = ['admin', 'operator', 'auditor', 'template_author', 'none', 'garbage', 'basic', 'cookie'] as const;

/** A string that is sometimes normal, sometimes hostile. */
const nasty = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('', ' ', '../../etc/passwd', '%00', '\u0000', '🔥', "'; drop table users; --", '{}', '[]', 'null', '-1', '1e999', 'ost_'.padEnd(47, 'A')),
  fc.uuid().map(String),
  fc.integer().map(String),
);

const jsonish: fc.Arbitrary<unknown> = fc.oneof(
  { depthSize: 'small' },
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(nasty, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }),
);

/** A valid body with one field replaced, removed, or an extra one added. */
function mutated(body: unknown): fc.Arbitrary<unknown> {
  if (typeof body !== 'object' || body === null) return jsonish;
  const keys = Object.keys(body);
  return fc.oneof(
    fc.record({ key: fc.constantFrom(...(keys.length > 0 ? keys : ['x'])), value: fc.jsonValue({ maxDepth: 2 }) }).map(({ key, value }) => ({ ...body, [key]: value })),
    fc.constantFrom(...(keys.length > 0 ? keys : ['x'])).map((key) => Object.fromEntries(Object.entries(body).filter(([name]) => name !== key))),
    fc.record({ key: nasty, value: fc.jsonValue({ maxDepth: 1 }) }).map(({ key, value }) => ({ ...body, [key]: value })),
  );
}

/** The sample's URL with a path segment replaced, and a random query string. */
function mutatedUrl(sample: RouteSample): fc.Arbitrary<string> {
  const segments = sample.url.split('/');
  const replaced = fc.record({ index: fc.integer({ min: 1, max: Math.max(1, segments.length - 1) }), value: nasty }).map(({ index, value }) =>
    segments.map((segment, position) => (position === index ? encodeURIComponent(value) : segment)).join('/'),
  );
  const query = fc.dictionary(fc.constantFrom('limit', 'after', 'status', 'deviceId', 'from', 'to', 'userId', 'actor', 'x'), nasty, { maxKeys: 3 });
  return fc.tuple(fc.oneof({ weight: 3, arbitrary: fc.constant(sample.url) }, { weight: 1, arbitrary: replaced }), fc.oneof(fc.constant(undefined), query)).map(([path, params]) =>
    params === undefined ? path : `${path}?${new URLSearchParams(params as Record<string, string>).toString()}`,
  );
}

interface FuzzRequest {
  readonly method: (typeof METHODS)[number];
  readonly url: string;
  readonly body: unknown;
  readonly raw: string | null;
  readonly contentType: string;
  readonly auth: (typeof AUTH)[number];
}

function requestFor(sample: RouteSample): fc.Arbitrary<FuzzRequest> {
  return fc.record({
    method: fc.oneof({ weight: 8, arbitrary: fc.constant(sample.method) }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }),
    url: mutatedUrl(sample),
    body: fc.oneof({ weight: 2, arbitrary: fc.constant(sample.body) }, { weight: 3, arbitrary: mutated(sample.body) }, { weight: 1, arbitrary: jsonish }),
    raw: fc.oneof(
      { weight: 6, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom('{"a":', '[1,2', '{"name":"x"}}', '\u0000\u0001', 'null')) },
    ),
    contentType: fc.oneof({ weight: 6, arbitrary: fc.constant('application/json') }, { weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES) }),
    auth: fc.oneof({ weight: 4, arbitrary: fc.constant('admin' as const) }, { weight: 3, arbitrary: fc.constantFrom(...AUTH) }),
  });
}

function assertCatalogueAnswer(request: FuzzRequest, status: number, body: string): void {
  const label = `${request.method} ${request.url} (${request.auth}) → ${status} ${body.slice(0, 300)}`;
  assert.ok(status < 500, label);
  if (status < 400 || request.method === 'HEAD') return;
  const parsed = JSON.parse(body) as { code: ErrorCode; message: unknown; details: unknown };
  assert.ok(parsed.code in ERROR_CATALOGUE, label);
  assert.equal(ERROR_CATALOGUE[parsed.code].status, status, label);
  assert.equal(typeof parsed.message, 'string', label);
  assert.equal(typeof parsed.details, 'object', label);
  assert.ok(!body.includes('    at '), `stack trace in ${label}`);
}

for (const dialect of dialects) {
  describe(`fuzzing every route (${dialect})`, { skip: await dialectSkip(dialect) }, () => {
    let api: ApiHarness;
    let fixtures: Fixtures;
    let tokens: Record<string, string>;
    before(async () => {
      api = await ApiHarness.start(dialect);
      fixtures = await createFixtures(api);
      tokens = {
        admin: await api.tokenFor('admin'),
        operator: await api.tokenFor('operator'),
        auditor: await api.tokenFor('auditor'),
        template_author: await api.tokenFor('template_author'),
      };
    });
    after(async () => api?.stop());

    const headersFor = (request: FuzzRequest): Record<string, string> => {
      const headers: Record<string, string> = {};
      if (request.contentType !== '') headers['content-type'] = request.contentType;
      const token = tokens[request.auth];
      if (token !== undefined) headers.authorization = `Bearer ${token}`;
      if (request.auth === 'garbage') headers.authorization = 'Bearer ost_garbage';
      if (request.auth === 'basic') headers.authorization = 'Basic YWRtaW46YWRtaW4=';
      if (request.auth === 'cookie') headers.cookie = 'ostiary_session=oss_not-a-session';
      return headers;
    };

    it(`answers ${PER_DIALECT} random and malformed requests without a 5xx, every error from the catalogue`, async () => {
      let sent = 0;
      const samples = () => routeSamples(fixtures);
      const indices = samples().map((_, index) => index);
      const arbitrary = fc.constantFrom(...indices).chain((index) => requestFor(samples()[index]!));
      await fc.assert(
        fc.asyncProperty(arbitrary, async (request) => {
          sent += 1;
          if (sent % REFRESH_EVERY === 0) fixtures = await createFixtures(api);
          const payload = request.raw ?? (request.body === undefined ? undefined : JSON.stringify(request.body));
          const response = await api.app.inject({ method: request.method, url: request.url, headers: headersFor(request), payload } as InjectOptions);
          assertCatalogueAnswer(request, response.statusCode, response.body);
        }),
        { numRuns: PER_DIALECT, endOnFailure: true },
      );
      assert.ok(sent >= PER_DIALECT);
    });
  });
}
