import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defaultSinkFactory } from '../../src/outbound/delivery/sink-factory.js';
import type { DeliveryLoop } from '../../src/outbound/delivery/delivery-loop.js';
import { SIGNATURE_HEADER, signatureHeader, verifyWebhookSignature } from '../../src/outbound/webhook/webhook-signature.js';
import { openVault } from '../../src/vault/vault.js';
import { freshStore, type FreshStore } from '../support/stores.js';
import { eventually, testLoop } from './outbound-fixtures.js';

interface Received {
  readonly body: string;
  readonly signature: string | undefined;
  readonly verified: boolean;
  readonly status: number;
}

/** A webhook receiver that verifies every request and answers 503 to the first `failFirst`. */
class Receiver {
  readonly requests: Received[] = [];
  failFirst = 0;
  #server: Server | null = null;

  constructor(private readonly secret: string) {}

  async listen(): Promise<string> {
    this.#server = createServer((req, res) => {
      void readBody(req).then((body) => {
        const signature = req.headers[SIGNATURE_HEADER] as string | undefined;
        const verified = verifyWebhookSignature(this.secret, signature, body).ok;
        const status = this.failFirst > 0 ? 503 : verified ? 204 : 401;
        if (this.failFirst > 0) this.failFirst -= 1;
        this.requests.push({ body, signature, verified, status });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/hooks/ostiary`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('webhook sink', () => {
  const secret = `whsec-${randomBytes(16).toString('hex')}`;
  const receiver = new Receiver(secret);
  let fresh: FreshStore;
  let loop: DeliveryLoop | null = null;
  let url: string;

  before(async () => {
    [fresh, url] = await Promise.all([freshStore('sqlite'), receiver.listen()]);
  });
  after(async () => {
    await loop?.stop();
    await Promise.all([receiver.close(), fresh?.cleanup()]);
  });

  it('POSTs the filtered events in order, signed, retrying with backoff and logging each attempt', async () => {
    const { store } = fresh;
    const vault = await openVault({ dataDir: join(fresh.url, '..'), masterKey: null });
    receiver.failFirst = 2;
    const sink = await store.sinks.create({
      name: 'hook', kind: 'webhook', actor: 'admin', secret: vault.seal(secret),
      config: { url, events: ['credential.*', 'operation.failed'] },
    });
    const rotated = await store.outbox.append('credential.rotated', 'c1', { credentialId: 'c1' });
    await store.outbox.append('operation.succeeded', 'o1', { operationId: 'o1' });
    const failed = await store.outbox.append('operation.failed', 'o2', { operationId: 'o2', errorCode: 'OST_EXEC_AUTH' });
    loop = testLoop(store, { buildSink: defaultSinkFactory(store, vault) });
    await loop.start();
    await eventually(async () => receiver.requests.filter((r) => r.status === 204).length === 2, 30_000, 'two delivered webhooks');
    assert.ok(receiver.requests.every((r) => r.verified), 'every request carries a valid signature');
    const delivered = receiver.requests.filter((r) => r.status === 204).map((r) => JSON.parse(r.body) as { seq: number; type: string; payload: unknown });
    assert.deepEqual(delivered.map((d) => [d.seq, d.type]), [[rotated.seq, 'credential.rotated'], [failed.seq, 'operation.failed']]);
    assert.deepEqual(delivered[1]?.payload, failed.payload);
    assert.ok(receiver.requests.every((r) => !r.body.includes(secret) && !(r.signature ?? '').includes(secret)));
    const state = await eventually(async () => {
      const s = await store.sinks.state(sink.id);
      return s && s.lag === 0 ? s : undefined;
    }, 10_000, 'lag 0 (the cursor is recorded after the receiver answered)');
    const log = (await store.sinks.deliveries(sink.id, 10)).toReversed();
    assert.deepEqual(log.map((d) => [d.firstSeq, d.attempt, d.ok, d.statusCode]), [
      [rotated.seq, 1, false, 503],
      [rotated.seq, 2, false, 503],
      [rotated.seq, 3, true, 204],
      [failed.seq, 1, true, 204],
    ]);
    assert.equal(state.failures, 0);
    assert.equal(state.totalFailures, 2);
    assert.equal(state.deliveredCount, 2);
    assert.equal(state.lastError, 'HTTP 503');
  });

  it('a tampered body, a wrong secret, a replayed old timestamp or a missing header fail verification', () => {
    const request = receiver.requests.find((r) => r.status === 204);
    assert.ok(request?.signature);
    assert.deepEqual(verifyWebhookSignature(secret, request.signature, request.body).ok, true);
    const tampered = request.body.replace('"operation.failed"', '"operation.succeeded"').replace('credential.rotated', 'credential.revealed');
    assert.notEqual(tampered, request.body);
    assert.deepEqual(verifyWebhookSignature(secret, request.signature, tampered), { ok: false, reason: 'mismatch' });
    assert.deepEqual(verifyWebhookSignature('another-secret', request.signature, request.body), { ok: false, reason: 'mismatch' });
    const old = Math.floor(Date.now() / 1000) - 3600;
    assert.deepEqual(verifyWebhookSignature(secret, signatureHeader(secret, old, request.body), request.body), { ok: false, reason: 'stale' });
    assert.equal(verifyWebhookSignature(secret, signatureHeader(secret, old, request.body), request.body, { toleranceSeconds: 7200 }).ok, true);
    assert.deepEqual(verifyWebhookSignature(secret, undefined, request.body), { ok: false, reason: 'malformed' });
    assert.deepEqual(verifyWebhookSignature(secret, 't=abc,v1=00', request.body), { ok: false, reason: 'malformed' });
  });

  it('a webhook without a signing secret records why it cannot deliver', async () => {
    const { store } = fresh;
    const sink = await store.sinks.create({ name: 'unsigned', kind: 'webhook', actor: 'admin', config: { url, events: ['nothing.*'] } });
    await store.outbox.append('nothing.here', 'x', {});
    await loop?.reload();
    const state = await eventually(async () => {
      const s = await store.sinks.state(sink.id);
      return s && s.failures > 0 ? s : undefined;
    }, 10_000, 'a failure');
    assert.match(state.lastError ?? '', /signing secret/);
  });
});
