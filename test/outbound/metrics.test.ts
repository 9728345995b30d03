import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify from 'fastify';
import { installHttpMetrics, metricsRoute } from '../../src/outbound/metrics/http-metrics.js';
import { instrumentStore } from '../../src/outbound/metrics/instrumented-store.js';
import { OstiaryMetrics } from '../../src/outbound/metrics/ostiary-metrics.js';
import type { Store } from '../../src/store/store.js';
import type { Vault } from '../../src/vault/vault.js';
import { localEngine, localOperation, submitLocal, tempVault, waitForStatus } from '../engine/engine-harness.js';
import { freshStore, type FreshStore } from '../support/stores.js';

/** The value of one sample line, e.g. `ostiary_queue_depth 2`. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `) || (labels === '' && l.startsWith(`${name} `)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('metrics', () => {
  let fresh: FreshStore;
  let vault: Vault;
  let cleanupVault: () => Promise<void>;
  let metrics: OstiaryMetrics;
  let store: Store;

  before(async () => {
    fresh = await freshStore('sqlite');
    ({ vault, cleanup: cleanupVault } = await tempVault());
    metrics = new OstiaryMetrics({ store: fresh.store, processMetrics: false });
    store = instrumentStore(fresh.store, metrics);
  });
  after(async () => {
    await fresh?.cleanup();
    await cleanupVault?.();
  });

  it('counts operations by status and executor, times attempts, and reports the queue', async () => {
    const engine = localEngine(store, vault);
    await engine.start();
    try {
      const op = await submitLocal(store, 'echo metered\n');
      await waitForStatus(store, op.id, ['succeeded']);
    } finally {
      await engine.stop();
    }
    const { template, version } = await store.templates.create({ name: 'later', type: 'task', executor: 'local', source: 'true\n', author: 't' });
    await store.operations.submit(localOperation(template.id, version.version, { notBefore: Date.now() - 2_000 }));
    const text = await metrics.text();
    assert.equal(sample(text, 'ostiary_operations', '{status="succeeded",executor="local"}'), 1);
    assert.equal(sample(text, 'ostiary_operations', '{status="scheduled",executor="local"}'), 1);
    assert.equal(sample(text, 'ostiary_queue_depth'), 1);
    assert.ok((sample(text, 'ostiary_queue_oldest_due_age_seconds') ?? 0) >= 2);
    assert.equal(sample(text, 'ostiary_attempt_duration_seconds_count', '{executor="local",outcome="succeeded"}'), 1);
  });

  it('counts lease recoveries and rotations, and reports outbox lag per sink', async () => {
    const { template, version } = await store.templates.create({ name: 'stuck', type: 'task', executor: 'stuck', source: 'x', author: 't' });
    await store.operations.submit({ ...localOperation(template.id, version.version), executor: 'stuck' });
    assert.ok(await store.operations.claimNext({ workerId: 'gone', leaseMs: 100, perDeviceLimit: 1, executors: ['stuck'] }));
    const recovered = await store.operations.recoverExpiredLeases(Date.now() + 1_000);
    assert.equal(recovered.length, 1);
    metrics.rotations.inc({ outcome: 'succeeded' });
    await store.sinks.create({ name: 'lagging', kind: 'syslog', actor: 't', config: { transport: 'udp', host: '127.0.0.1', port: 9 }, startFrom: 'beginning' });
    const text = await metrics.text();
    assert.equal(sample(text, 'ostiary_lease_recoveries_total', `{next_status="${recovered[0]?.nextStatus}"}`), 1);
    assert.equal(sample(text, 'ostiary_rotations_total', '{outcome="succeeded"}'), 1);
    assert.equal(sample(text, 'ostiary_outbox_lag_events', '{sink="lagging"}'), await store.outbox.head());
    assert.equal(sample(text, 'ostiary_sink_consecutive_failures', '{sink="lagging"}'), 0);
  });

  it('serves /metrics and times requests by route template, never by URL', async () => {
    const app = Fastify();
    installHttpMetrics(app, metrics);
    app.get('/things/:id', async () => ({ ok: true }));
    await app.register(metricsRoute(metrics));
    await app.inject({ method: 'GET', url: '/things/secret-looking-id?token=abc' });
    await app.inject({ method: 'GET', url: '/nowhere' });
    const response = await app.inject({ method: 'GET', url: '/metrics' });
    await app.close();
    assert.equal(response.statusCode, 200);
    assert.match(response.headers['content-type'] as string, /^text\/plain/);
    assert.equal(sample(response.body, 'ostiary_http_request_duration_seconds_count', '{method="GET",route="/things/:id",status_code="200"}'), 1);
    assert.equal(sample(response.body, 'ostiary_http_request_duration_seconds_count', '{method="GET",route="unmatched",status_code="404"}'), 1);
    assert.equal(response.body.includes('secret-looking-id'), false);
    assert.equal(response.body.includes('token=abc'), false);
  });
});
