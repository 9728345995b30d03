import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildApiServer } from '../../src/api/build-api-server.js';
import { AuditTrail } from '../../src/audit/audit-trail.js';
import { dataDirCheckpoint } from '../../src/audit/checkpoint-key.js';
import { principalOf } from '../../src/auth/authenticator.js';
import { permissionsOfRoles } from '../../src/auth/permissions.js';
import { issueToken } from '../../src/auth/token-service.js';
import { createLocalUser } from '../../src/auth/user-service.js';
import { DeliveryLoop } from '../../src/outbound/delivery/delivery-loop.js';
import { defaultSinkFactory } from '../../src/outbound/delivery/sink-factory.js';
import { instrumentStore } from '../../src/outbound/metrics/instrumented-store.js';
import { OstiaryMetrics } from '../../src/outbound/metrics/ostiary-metrics.js';
import type { Store } from '../../src/store/store.js';
import type { Vault } from '../../src/vault/vault.js';
import { localEngine, MemoryLogger, submitLocal, tempVault, waitForStatus } from '../engine/engine-harness.js';
import { freshStore, type FreshStore } from '../support/stores.js';
import { eventually } from './outbound-fixtures.js';

const CANARY = `Canary-${randomBytes(6).toString('hex')}!`;

/** Captures every byte a TCP syslog client sends. */
async function rawTcpCapture(): Promise<{ port: number; text(): string; close(): Promise<void> }> {
  const chunks: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('data', (chunk) => chunks.push(chunk));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    text: () => Buffer.concat(chunks).toString('utf8'),
    close: () => new Promise((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
  };
}

/** Reads a Server-Sent Events response until `until(text)` holds or the stream ends. */
async function readSse(url: string, token: string, until: (text: string) => boolean, signal: AbortSignal): Promise<string> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, signal });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
  let text = '';
  const decoder = new TextDecoder();
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    text += decoder.decode(chunk, { stream: true });
    if (until(text)) break;
  }
  return text;
}

describe('a canary secret used by an operation leaves through no outbound channel', () => {
  let fresh: FreshStore;
  let store: Store;
  let vault: Vault;
  let cleanupVault: () => Promise<void>;
  let app: FastifyInstance;
  let baseUrl: string;
  let token: string;
  let loop: DeliveryLoop;
  let syslog: Awaited<ReturnType<typeof rawTcpCapture>>;
  const webhookBodies: string[] = [];
  let webhook: Server;
  const logs: string[] = [];

  before(async () => {
    fresh = await freshStore('sqlite');
    let dir: string;
    ({ vault, dir, cleanup: cleanupVault } = await tempVault());
    const metrics = new OstiaryMetrics({ store: fresh.store, processMetrics: false });
    store = instrumentStore(fresh.store, metrics);
    const { storage, key } = await dataDirCheckpoint(join(dir, 'data'));
    const audit = new AuditTrail({ log: store.audit, checkpoint: storage, checkpointKey: key });
    const stream = new Writable({ write(chunk: Buffer, _e, done) { logs.push(chunk.toString('utf8')); done(); } });
    app = await buildApiServer({ store, vault, audit, logger: pino({ level: 'trace' }, stream), metrics });
    baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
    const admin = await createLocalUser(store.users, { username: 'admin', password: 'correct-horse-battery-staple', roles: ['admin'] }, { N: 1024, r: 8, p: 1 });
    ({ token } = await issueToken(store.apiTokens, principalOf(admin, 'session', null, null, null), { name: 't', permissions: permissionsOfRoles(['admin']) }, Date.now()));
    syslog = await rawTcpCapture();
    webhook = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8'))).on('end', () => {
        webhookBodies.push(JSON.stringify({ headers: req.headers, body }));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    const webhookUrl = `http://127.0.0.1:${(webhook.address() as net.AddressInfo).port}/`;
    const call = (body: unknown) => app.inject({ method: 'POST', url: '/api/v1/sinks', headers: { authorization: `Bearer ${token}` }, payload: body as Record<string, unknown> });
    for (const format of ['rfc5424', 'cef']) {
      const created = await call({ name: `siem-${format}`, kind: 'syslog', config: { transport: 'tcp', host: '127.0.0.1', port: syslog.port, format } });
      assert.equal(created.statusCode, 201, created.body);
    }
    const hook = await call({ name: 'hook', kind: 'webhook', config: { url: webhookUrl }, secret: 'whsec-0123456789abcdef' });
    assert.equal(hook.statusCode, 201, hook.body);
    loop = new DeliveryLoop({ store, buildSink: defaultSinkFactory(store, vault), pollMs: 50, reloadMs: 200, backoff: { initialMs: 100, maxMs: 500 } });
    await loop.start();
  });
  after(async () => {
    await loop?.stop();
    await app?.close();
    await Promise.all([syslog?.close(), new Promise((resolve) => webhook ? webhook.close(resolve) : resolve(null))]);
    await fresh?.cleanup();
    await cleanupVault?.();
  });

  it('streams the live transcript redacted, and no syslog message, webhook body, SSE frame or metric holds the canary', async () => {
    const device = await store.devices.create({ name: 'canary-host', address: '127.0.0.1', port: 22 });
    const credential = await store.credentials.create({ deviceId: device.id, username: 'svc', secret: vault.seal(CANARY) });
    const source = 'echo first=[#AUTH_PASSWORD#]\nsleep 1\necho second=[#AUTH_PASSWORD#]\nexit 3\n';
    const op = await submitLocal(store, source, { deviceId: device.id, credentialId: credential.id });
    const abort = new AbortController();
    const events = readSse(`${baseUrl}/api/v1/events/stream?after=0`, token, (t) => t.includes('event: operation.failed'), abort.signal);
    const transcript = readSse(`${baseUrl}/api/v1/operations/${op.id}/transcript/stream`, token, (t) => t.includes('event: end'), abort.signal);
    const engineLog = new MemoryLogger();
    const engine = localEngine(store, vault, { logger: engineLog });
    await engine.start();
    let frames: string;
    let eventFrames: string;
    try {
      await waitForStatus(store, op.id, ['failed']);
      [frames, eventFrames] = await Promise.all([transcript, events]);
    } finally {
      abort.abort();
      await engine.stop({ drainMs: 100 });
    }
    assert.match(frames, /event: output\ndata: \{"attempt":1,"text":"[^"]*first=\[REDACTED\]/);
    assert.ok(frames.indexOf('first=[REDACTED]') < frames.indexOf('second=[REDACTED]'), 'output arrived as the operation ran');
    assert.match(frames, /event: end\ndata: \{"status":"failed"\}/);
    assert.match(eventFrames, /event: operation\.failed\nid: \d+|id: \d+\nevent: operation\.failed/);
    const sinks = (await store.sinks.list()).map((s) => s.id);
    await eventually(async () => (await Promise.all(sinks.map((id) => store.sinks.state(id)))).every((s) => s?.lag === 0), 30_000, 'every sink caught up');
    assert.match(syslog.text(), /operation\.failed/);
    assert.ok(webhookBodies.some((b) => b.includes('operation.failed')));
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    assert.equal(metrics.statusCode, 200);
    assert.match(metrics.body, /ostiary_operations\{status="failed",executor="local"\} 1/);
    const channels = { syslog: syslog.text(), webhooks: webhookBodies.join('\n'), transcriptSse: frames, eventSse: eventFrames, metrics: metrics.body, logs: logs.join('') + engineLog.lines.join('\n') };
    for (const [channel, text] of Object.entries(channels)) assert.equal(text.includes(CANARY), false, `the canary leaked into ${channel}`);
  });
});
