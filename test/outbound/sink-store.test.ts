import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SealedSecret } from '../../src/domain/index.js';
import { isOstiaryError } from '../../src/domain/index.js';
import { DELIVERY_LOG_KEEP } from '../../src/store/sink-delivery-state.js';
import { dialectSkip, dialects, freshStore, type FreshStore } from '../support/stores.js';

const sealed: SealedSecret = { masterKeyId: 'k1', wrappedKey: Buffer.from('wrapped'), ciphertext: Buffer.from('cipher') };
const syslogConfig = { transport: 'tcp', host: '127.0.0.1', port: 6514 };

for (const dialect of dialects) {
  describe(`sink store (${dialect})`, { skip: await dialectSkip(dialect) }, () => {
    let fresh: FreshStore;
    before(async () => (fresh = await freshStore(dialect)));
    after(async () => fresh?.cleanup());

    it('creates a sink whose cursor starts at the outbox head, and audits the change through the outbox', async () => {
      const first = await fresh.store.outbox.append('device.created', 'd1', { deviceId: 'd1' });
      const sink = await fresh.store.sinks.create({ name: 'siem', kind: 'syslog', config: syslogConfig, actor: 'alice' });
      assert.deepEqual(sink.config, syslogConfig);
      assert.equal(sink.enabled, true);
      assert.equal(sink.managedBy, 'api');
      const state = await fresh.store.sinks.state(sink.id);
      assert.equal(state?.deliveredSeq, first.seq);
      assert.equal(state?.lag, 1, 'its own sink.created event is the one event it has not been handed');
      const events = await fresh.store.outbox.read(first.seq, 10);
      assert.equal(events[0]?.type, 'sink.created');
      assert.equal(events[0]?.payload.actor, 'alice');
      const history = await fresh.store.sinks.create({ name: 'history', kind: 'syslog', config: syslogConfig, actor: 'alice', startFrom: 'beginning' });
      assert.equal((await fresh.store.sinks.state(history.id))?.deliveredSeq, 0);
      await assert.rejects(fresh.store.sinks.create({ name: 'siem', kind: 'syslog', config: {}, actor: 'a' }), (e) => isOstiaryError(e) && e.code === 'OST_CONFLICT');
      await assert.rejects(fresh.store.sinks.create({ name: 'bad name', kind: 'syslog', config: {}, actor: 'a' }), /sink\.name/);
    });

    it('gives the lease to one owner at a time and fences cursor moves by it', async () => {
      const sink = await fresh.store.sinks.create({ name: 'leased', kind: 'syslog', config: syslogConfig, actor: 'a' });
      const start = (await fresh.store.sinks.state(sink.id))?.deliveredSeq ?? -1;
      assert.deepEqual(await fresh.store.sinks.acquireLease(sink.id, 'node-a', 60_000), { deliveredSeq: start, failures: 0 });
      assert.equal(await fresh.store.sinks.acquireLease(sink.id, 'node-b', 60_000), null);
      assert.equal(await fresh.store.sinks.recordDelivered(sink.id, 'node-b', start + 5, 5, []), false);
      assert.equal(await fresh.store.sinks.recordDelivered(sink.id, 'node-a', start + 5, 4, [{ firstSeq: start + 1, lastSeq: start + 5, attempt: 1, ok: true }]), true);
      const failed = await fresh.store.sinks.recordFailure(sink.id, 'node-a', {
        error: 'connect ECONNREFUSED 127.0.0.1:6514',
        nextAttemptAt: 123,
        log: [{ firstSeq: start + 6, lastSeq: start + 6, attempt: 1, ok: false, statusCode: 503, error: 'HTTP 503' }],
      });
      assert.equal(failed, true);
      const state = await fresh.store.sinks.state(sink.id);
      assert.equal(state?.deliveredSeq, start + 5);
      assert.equal(state?.deliveredCount, 4);
      assert.equal(state?.failures, 1);
      assert.equal(state?.lastError, 'connect ECONNREFUSED 127.0.0.1:6514');
      assert.equal(state?.nextAttemptAt, 123);
      const log = await fresh.store.sinks.deliveries(sink.id, 10);
      assert.deepEqual(log.map((d) => [d.ok, d.statusCode]), [[false, 503], [true, null]]);
      assert.equal(await fresh.store.sinks.rewind(sink.id, 'node-a', start + 2), true);
      assert.equal((await fresh.store.sinks.state(sink.id))?.deliveredSeq, start + 2);
      await fresh.store.sinks.releaseLease(sink.id, 'node-a');
      assert.deepEqual(await fresh.store.sinks.acquireLease(sink.id, 'node-b', 60_000), { deliveredSeq: start + 2, failures: 1 });
    });

    it('takes over a lease that ran out', async () => {
      const sink = await fresh.store.sinks.create({ name: 'expiring', kind: 'syslog', config: syslogConfig, actor: 'a' });
      assert.ok(await fresh.store.sinks.acquireLease(sink.id, 'node-a', -1));
      assert.ok(await fresh.store.sinks.acquireLease(sink.id, 'node-b', 60_000));
      assert.equal(await fresh.store.sinks.recordDelivered(sink.id, 'node-a', 10_000, 1, []), false);
    });

    it('keeps only the newest delivery log entries', async () => {
      const sink = await fresh.store.sinks.create({ name: 'chatty', kind: 'webhook', config: {}, actor: 'a' });
      const lease = await fresh.store.sinks.acquireLease(sink.id, 'n', 60_000);
      assert.ok(lease);
      const log = Array.from({ length: DELIVERY_LOG_KEEP + 20 }, (_, i) => ({ firstSeq: i, lastSeq: i, attempt: 1, ok: true }));
      assert.ok(await fresh.store.sinks.recordDelivered(sink.id, 'n', lease.deliveredSeq + 1, 1, log));
      const kept = await fresh.store.sinks.deliveries(sink.id, 1000);
      assert.equal(kept.length, DELIVERY_LOG_KEEP);
      assert.equal(kept[0]?.firstSeq, DELIVERY_LOG_KEEP + 19);
    });

    it('updates and deletes a sink with its secret, naming only the changed fields in events', async () => {
      const sink = await fresh.store.sinks.create({ name: 'hook', kind: 'webhook', config: { url: 'http://127.0.0.1:1/' }, secret: sealed, actor: 'a' });
      assert.ok(sink.secretId);
      assert.ok(await fresh.store.secrets.current(sink.secretId));
      const updated = await fresh.store.sinks.update(sink.id, { enabled: false, secret: sealed, actor: 'bob' });
      assert.equal(updated.enabled, false);
      assert.notEqual(updated.secretId, sink.secretId);
      assert.equal(await fresh.store.secrets.current(sink.secretId), null, 'the replaced secret is gone');
      const head = await fresh.store.outbox.head();
      const event = (await fresh.store.outbox.read(0, 10_000)).at(-1);
      assert.equal(event?.seq, head);
      assert.equal(event?.type, 'sink.updated');
      assert.deepEqual(event?.payload.fields, ['enabled', 'secret']);
      assert.equal(JSON.stringify(event?.payload).includes('cipher'), false);
      await fresh.store.sinks.delete(sink.id, 'bob');
      assert.equal(await fresh.store.sinks.get(sink.id), null);
      assert.equal(await fresh.store.sinks.state(sink.id), null);
      assert.equal(await fresh.store.secrets.current(updated.secretId ?? ''), null);
      await assert.rejects(fresh.store.sinks.delete(sink.id, 'bob'), (e) => isOstiaryError(e) && e.code === 'OST_NOT_FOUND');
    });
  });
}
