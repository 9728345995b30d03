import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { OstiaryError } from '../../../src/domain/index.js';
import { ExecutorError } from '../../../src/executors/executor.js';
import { HttpExecutor } from '../../../src/executors/http/http-executor.js';
import { requirePart } from '../../support/integration.js';
import { assertNoSecret, errorTexts, testContext } from '../../support/executor-context.js';
import type { TestContextInput } from '../../support/executor-context.js';

const run = promisify(execFile);
const skipTls = await requirePart('openssl', async () => (await run('openssl', ['version'])).stdout.length > 0, 'install it with `apt-get install -y openssl`');

/** What the test server saw of one request. */
interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

const SECRET = `S3cr"et' \\ &=+%/?#\n;$ é 🔑`;

/** Answers by path: /status/N answers N, /echo returns the body it got, /slow never answers. */
function handler(seen: Seen[]): http.RequestListener {
  return (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      const path = new URL(request.url ?? '/', 'http://x').pathname;
      if (path === '/slow') return;
      const status = /^\/status\/(\d{3})$/.exec(path)?.[1];
      response.writeHead(status ? Number(status) : 200, { 'content-type': 'text/plain' });
      response.end(path === '/echo' ? `echo: ${body}` : 'password changed\n');
    });
  };
}

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

describe('http executor against a local node:http server', () => {
  const executor = new HttpExecutor();
  const seen: Seen[] = [];
  const server = http.createServer(handler(seen));
  let base = '';

  before(async () => {
    base = `http://127.0.0.1:${await listen(server)}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    seen.length = 0;
  });

  function contextFor(source: string, extra: Partial<TestContextInput> = {}) {
    return testContext({ executor: 'http', source, masks: { USERNAME: 'alice', NEW_PASSWORD: SECRET, CURRENT_PASSWORD: 'Old-pw-1' }, ...extra });
  }

  async function failure(promise: Promise<unknown>): Promise<ExecutorError> {
    const error = await promise.then(() => null, (caught: unknown) => caught);
    assert.ok(error instanceof ExecutorError, `expected an ExecutorError, got ${String(error)}`);
    return error;
  }

  it('sends POST parameters as a form whose values are exactly the mask values', async () => {
    const source = [
      'set-request-method POST',
      'set-request-param "user=[#USERNAME#]"',
      'set-request-param "password=[#NEW_PASSWORD#]"',
      `request "${base}/change"`,
      'expect "HTTP/1.1 200*changed"',
      'no-expect "error"',
    ].join('\n');
    const context = contextFor(source);
    assert.equal((await executor.run(context.context)).summary, '1 request');
    assert.equal(seen.length, 1);
    assert.equal(seen[0]?.method, 'POST');
    assert.equal(seen[0]?.headers['content-type'], 'application/x-www-form-urlencoded');
    const form = new URLSearchParams(seen[0]?.body);
    assert.deepEqual([...form.entries()], [['user', 'alice'], ['password', SECRET]]);
    assert.match(context.transcript(), /> POST http:\/\/127\.0\.0\.1:\d+\/change\n< HTTP\/1\.1 200 OK \(17 bytes\)\n> expect "HTTP\/1\.1 200\*changed"\n< matched\n/);
    assertNoSecret(context.transcript(), [SECRET, 'Old-pw-1']);
  });

  it('escapes masks inside JSON strings so the server parses exactly the values', async () => {
    const source = [
      'set-request-method PUT',
      'set-content-type application/json',
      'set-request-content "{"user": "[#USERNAME#]", "old": "[#CURRENT_PASSWORD#]", "new": "[#NEW_PASSWORD#]"}"',
      `request "${base}/json"`,
    ].join('\n');
    const context = contextFor(source);
    await executor.run(context.context);
    assert.equal(seen[0]?.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(seen[0]?.body ?? ''), { user: 'alice', old: 'Old-pw-1', new: SECRET });
    assertNoSecret(context.transcript(), [SECRET, 'Old-pw-1']);
  });

  it('refuses a mask standing outside a JSON string', async () => {
    const source = ['set-content-type application/json', 'set-request-content "{"n": [#USERNAME#]}"', `request "${base}/json"`].join('\n');
    await assert.rejects(executor.run(contextFor(source).context), (error: unknown) => error instanceof OstiaryError && error.code === 'OST_TEMPLATE_PARSE' && /line 2, column 28/.test(error.message));
    assert.equal(seen.length, 0);
  });

  it('percent-encodes masks in the path and query so they stay data', async () => {
    const context = contextFor(`request "${base}/users/[#USERNAME#]/pw?q=[#X#]&keep=1"`, { masks: { USERNAME: 'a/b?c#d', X: '1&admin=true' } });
    await executor.run(context.context);
    const url = new URL(seen[0]?.url ?? '', 'http://x');
    assert.equal(url.pathname, '/users/a%2Fb%3Fc%23d/pw');
    assert.deepEqual([...url.searchParams.entries()], [['q', '1&admin=true'], ['keep', '1']]);
  });

  it('puts GET parameters in the query string, and resets method and parameters after each request', async () => {
    const source = ['set-request-method POST', 'set-request-param "a=1"', `request "${base}/first"`, 'set-request-param "b=[#USERNAME#] x"', `request "${base}/second"`].join('\n');
    await executor.run(contextFor(source).context);
    assert.equal(seen[0]?.method, 'POST');
    assert.equal(seen[1]?.method, 'GET');
    assert.equal(seen[1]?.url, '/second?b=alice+x');
    assert.equal(seen[1]?.body, '');
  });

  it('keeps headers for later requests and refuses a mask value that would inject a header', async () => {
    const ok = contextFor(['set-request-header "X-User: [#USERNAME#]"', `request "${base}/a"`, `request "${base}/b"`].join('\n'));
    await executor.run(ok.context);
    assert.deepEqual(seen.map((entry) => entry.headers['x-user']), ['alice', 'alice']);
    seen.length = 0;
    const injected = contextFor(['set-request-header "X-User: [#USERNAME#]"', `request "${base}/a"`].join('\n'), { masks: { USERNAME: 'bob\r\nX-Injected: 1' } });
    await assert.rejects(executor.run(injected.context), (error: unknown) => error instanceof OstiaryError && error.code === 'OST_VALIDATION' && error.details.field === 'masks.USERNAME');
    assert.equal(seen.length, 0);
  });

  it('sends the login as HTTP Basic credentials when the device asks for it', async () => {
    const context = contextFor(`request "${base}/basic"`, { executorConfig: { basicAuth: true }, login: { username: 'svc', password: SECRET } });
    await executor.run(context.context);
    const header = seen[0]?.headers.authorization ?? '';
    assert.equal(Buffer.from(header.replace(/^Basic /, ''), 'base64').toString('utf8'), `svc:${SECRET}`);
    assertNoSecret(context.transcript(), [SECRET]);
  });

  it('a 5xx answer is retryable, 401 is final OST_EXEC_AUTH, another 4xx is final', async () => {
    const unavailable = await failure(executor.run(contextFor(`request "${base}/status/503"`).context));
    assert.deepEqual([unavailable.kind, unavailable.code], ['retryable', 'OST_EXEC_UNAVAILABLE']);
    const denied = await failure(executor.run(contextFor(`request "${base}/status/401"`).context));
    assert.deepEqual([denied.kind, denied.code], ['final', 'OST_EXEC_AUTH']);
    const missing = await failure(executor.run(contextFor(`request "${base}/status/404"`).context));
    assert.deepEqual([missing.kind, missing.code], ['final', 'OST_EXEC_STEP_FAILED']);
    assert.match(missing.message, /^line 1: GET request was answered HTTP\/1\.1 404 Not Found$/);
  });

  it('a refused connection is retryable OST_EXEC_CONNECT', async () => {
    const error = await failure(executor.run(contextFor('request "http://127.0.0.1:1/x"').context));
    assert.deepEqual([error.kind, error.code], ['retryable', 'OST_EXEC_CONNECT']);
  });

  it('an answer that does not come within the read timeout is retryable OST_EXEC_TIMEOUT', async () => {
    const error = await failure(executor.run(contextFor(`request "${base}/slow"`, { timeouts: { readMs: 300 } }).context));
    assert.deepEqual([error.kind, error.code], ['retryable', 'OST_EXEC_TIMEOUT']);
  });

  it('cancelling stops a request in flight with OST_EXEC_CANCELLED', async () => {
    const controller = new AbortController();
    const pending = failure(executor.run(contextFor(`request "${base}/slow"`, { signal: controller.signal }).context));
    setTimeout(() => controller.abort(new Error('cancelled by test')), 200);
    assert.equal((await pending).code, 'OST_EXEC_CANCELLED');
  });

  it('a failed expect or no-expect is final and never quotes the body, even one echoing the secret', async () => {
    const source = ['set-request-method POST', 'set-request-content "[#NEW_PASSWORD#]"', `request "${base}/echo"`, 'expect "*accepted*"'].join('\n');
    const context = contextFor(source);
    const error = await failure(executor.run(context.context));
    assert.deepEqual([error.kind, error.code], ['final', 'OST_EXEC_STEP_FAILED']);
    assert.match(error.message, /^line 4: expect "\*accepted\*" found no match in the answer to line 3 \(HTTP\/1\.1 200 OK\)$/);
    assert.equal(seen[0]?.body, SECRET, 'raw content is sent as written');
    assertNoSecret(errorTexts(error) + context.transcript(), [SECRET]);
    const unwanted = await failure(executor.run(contextFor([`request "${base}/ok"`, 'no-expect "changed"'].join('\n')).context));
    assert.match(unwanted.message, /no-expect "changed" found a match/);
  });

  it('matches expect patterns against mask values literally', async () => {
    const context = contextFor([`request "${base}/ok"`, 'expect "password [#WORD#]"'].join('\n'), { masks: { WORD: 'chang*' } });
    const error = await failure(executor.run(context.context));
    assert.equal(error.code, 'OST_EXEC_STEP_FAILED');
    await executor.run(contextFor([`request "${base}/ok"`, 'expect "password [#WORD#]"'].join('\n'), { masks: { WORD: 'changed' } }).context);
  });

  it('stops before any request when a mask has no value', async () => {
    const context = testContext({ executor: 'http', source: [`request "${base}/a"`, 'set-request-param "p=[#NEW_PASSWORD#]"', `request "${base}/b"`].join('\n') });
    await assert.rejects(executor.run(context.context), (error: unknown) => error instanceof OstiaryError && error.code === 'OST_MASK_UNFILLED' && /NEW_PASSWORD/.test(error.message));
    assert.equal(seen.length, 0);
  });

  it('rejects bad settings with OST_VALIDATION naming the field', async () => {
    await assert.rejects(
      executor.run(contextFor(`request "${base}/a"`, { executorConfig: { insecureSkipTlsVerify: 'yes' } }).context),
      (error: unknown) => error instanceof OstiaryError && error.code === 'OST_VALIDATION' && error.details.field === 'executorConfig.insecureSkipTlsVerify',
    );
  });
});

describe('http executor against a local node:https server with a self-signed certificate', { skip: skipTls }, () => {
  const executor = new HttpExecutor();
  const seen: Seen[] = [];
  let dir = '';
  let server: https.Server | null = null;
  let certificate = '';
  let base = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ostiary-https-'));
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1']);
    certificate = readFileSync(cert, 'utf8');
    server = https.createServer({ key: readFileSync(key), cert: certificate }, handler(seen));
    base = `https://127.0.0.1:${await listen(server)}`;
  });
  after(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    rmSync(dir, { recursive: true, force: true });
  });

  const source = () => ['set-request-method POST', 'set-request-param "password=[#NEW_PASSWORD#]"', `request "${base}/change"`, 'expect "changed"'].join('\n');
  const contextFor = (executorConfig?: unknown) => testContext({ executor: 'http', source: source(), masks: { NEW_PASSWORD: SECRET }, executorConfig });

  it('refuses the certificate by default: final OST_EXEC_TLS, and nothing was sent', async () => {
    seen.length = 0;
    const error = await executor.run(contextFor().context).then(() => null, (caught: unknown) => caught);
    assert.ok(error instanceof ExecutorError);
    assert.deepEqual([error.kind, error.code], ['final', 'OST_EXEC_TLS']);
    assert.equal(seen.length, 0);
  });

  it('accepts it when the device opts out, and the transcript says so', async () => {
    const context = contextFor({ insecureSkipTlsVerify: true });
    await executor.run(context.context);
    assert.match(context.transcript(), /^! TLS certificate verification is OFF for this device \(insecureSkipTlsVerify\)\n/);
    assert.equal(new URLSearchParams(seen.at(-1)?.body).get('password'), SECRET);
    assertNoSecret(context.transcript(), [SECRET]);
  });

  it('verifies it when the device names its CA', async () => {
    const context = contextFor({ caCertificate: certificate });
    await executor.run(context.context);
    assert.doesNotMatch(context.transcript(), /OFF/);
  });
});
