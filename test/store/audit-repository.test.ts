import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { GENESIS_HASH } from '../../src/audit/audit-hash.js';
import { AuditTrail } from '../../src/audit/audit-trail.js';
import { memoryCheckpoint } from '../../src/audit/checkpoint-file.js';
import { dialectSkip, dialects, freshStore, type FreshStore } from '../support/stores.js';
import { newOperation } from './fixtures.js';

for (const dialect of dialects) {
  describe(`audit repository (${dialect})`, { skip: await dialectSkip(dialect) }, () => {
    let fresh: FreshStore;
    let trail: AuditTrail;
    before(async () => {
      fresh = await freshStore(dialect);
      trail = new AuditTrail({ log: fresh.store.audit, checkpoint: memoryCheckpoint(), checkpointKey: randomBytes(32) });
    });
    after(async () => fresh?.cleanup());

    it('starts at the genesis head', async () => {
      assert.deepEqual(await fresh.store.audit.head(), { seq: 0, hash: GENESIS_HASH, outboxSeq: 0 });
    });

    it('appends linked events, moves the head, and reads them back exactly', async () => {
      const first = await trail.record({ actor: 'user:u1', actorName: 'alice', action: 'device.create', objectType: 'device', objectId: 'd1', changes: { name: 'db', tags: ['a'] }, sourceAddress: '127.0.0.1' });
      const second = await trail.record({ actor: 'user:u2', action: 'credential.reveal', objectType: 'credential', objectId: 'c1', reason: 'incident 42' });
      assert.deepEqual([first.seq, second.seq, second.prevHash], [1, 2, first.hash]);
      assert.deepEqual(await fresh.store.audit.head(), { seq: 2, hash: second.hash, outboxSeq: 0 });
      assert.deepEqual(await fresh.store.audit.readAfter(0, 10), [first, second]);
      assert.deepEqual(await fresh.store.audit.readAfter(1, 10), [second]);
      assert.equal((await trail.verify()).ok, true);
    });

    it('refuses a plan that does not continue the chain at its head', async () => {
      const head = await fresh.store.audit.head();
      await assert.rejects(fresh.store.audit.append(() => ({ events: [{ ...sampleEvent(head.seq + 2), prevHash: head.hash }] })), /does not continue the chain/);
      assert.deepEqual(await fresh.store.audit.head(), head);
    });

    it('filters and pages events newest first', async () => {
      for (let i = 0; i < 5; i += 1) await trail.record({ actor: 'user:pager', action: 'device.update', objectType: 'device', objectId: `p${i}` });
      const page1 = await fresh.store.audit.query({ actor: 'user:pager' }, { limit: 3 });
      const page2 = await fresh.store.audit.query({ actor: 'user:pager' }, { limit: 3, after: page1.next ?? '' });
      assert.deepEqual([...page1.items, ...page2.items].map((event) => event.objectId), ['p4', 'p3', 'p2', 'p1', 'p0']);
      assert.equal(page2.next, null);
      assert.deepEqual((await fresh.store.audit.query({ action: 'credential.reveal' })).items.map((event) => event.reason), ['incident 42']);
      assert.deepEqual((await fresh.store.audit.query({ objectType: 'device', objectId: 'd1' })).items.map((event) => event.seq), [1]);
      const all = (await fresh.store.audit.query({})).items;
      const newest = all[0]!;
      assert.deepEqual((await fresh.store.audit.query({ from: newest.at, to: newest.at + 1 })).items.map((event) => event.seq).includes(newest.seq), true);
      assert.deepEqual((await fresh.store.audit.query({ to: 0 })).items, []);
    });

    it('projects outbox events into the chain once, in order, moving its position atomically', async () => {
      const operation = await fresh.store.operations.submit(newOperation({ requester: 'alice' }));
      await fresh.store.operations.requestCancel(operation.id, 'user:u9');
      const projected = await trail.projectAll();
      assert.equal(projected, 2);
      assert.equal(await trail.projectAll(), 0);
      const events = (await fresh.store.audit.query({ objectType: 'operation', objectId: operation.id })).items.toReversed();
      assert.deepEqual(events.map((event) => [event.action, event.actor]), [['operation.scheduled', 'alice'], ['operation.cancelled', 'user:u9']]);
      const head = await fresh.store.audit.head();
      assert.equal(head.outboxSeq, events[1]?.changes.outboxSeq);
      assert.equal((await trail.verify()).ok, true);
    });
  });
}

function sampleEvent(seq: number) {
  return { seq, id: `e${seq}`, at: 1, actor: 'x', actorName: null, action: 'a', objectType: null, objectId: null, reason: null, changes: {}, sourceAddress: null, hash: 'h' };
}
