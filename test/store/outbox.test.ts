import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dialectSkip, dialects, freshStore, type FreshStore } from '../support/stores.js';
import { rejectsWith } from './fixtures.js';

for (const dialect of dialects) {
  describe(`outbox (${dialect})`, { skip: await dialectSkip(dialect) }, () => {
    let fresh: FreshStore;
    before(async () => (fresh = await freshStore(dialect)));
    after(async () => fresh?.cleanup());

    it('appends events with increasing seq and reads them after a seq, oldest first', async () => {
      const a = await fresh.store.outbox.append('device.created', 'd1', { deviceId: 'd1', actor: 'alice' });
      const b = await fresh.store.outbox.append('device.updated', 'd1', { deviceId: 'd1' });
      assert.ok(b.seq > a.seq);
      assert.deepEqual(a.payload, { deviceId: 'd1', actor: 'alice' });
      const events = await fresh.store.outbox.read(a.seq - 1, 10);
      assert.deepEqual(events.map((e) => e.type), ['device.created', 'device.updated']);
      assert.deepEqual(await fresh.store.outbox.read(b.seq, 10), []);
      assert.equal((await fresh.store.outbox.read(0, 1)).length, 1);
      await rejectsWith(fresh.store.outbox.read(-1, 10), 'OST_VALIDATION');
      await rejectsWith(fresh.store.outbox.append('', 'x', {}), 'OST_VALIDATION');
    });

    it('a reader never sees a gap filled later: seq order is commit order under concurrent writers', async () => {
      const start = (await fresh.store.outbox.read(0, 100_000)).at(-1)?.seq ?? 0;
      const seen: number[] = [];
      let cursor = start;
      let writing = true;
      const reader = (async () => {
        while (writing) {
          const batch = await fresh.store.outbox.read(cursor, 1000);
          for (const event of batch) seen.push(event.seq);
          cursor = batch.at(-1)?.seq ?? cursor;
        }
      })();
      await Promise.all(Array.from({ length: 150 }, (_, i) => fresh.store.outbox.append('test.event', `s${i}`, { i })));
      writing = false;
      await reader;
      const rest = await fresh.store.outbox.read(cursor, 1000);
      seen.push(...rest.map((e) => e.seq));
      // Reading only forward from the last seq seen still delivers every event exactly once.
      const all = (await fresh.store.outbox.read(start, 1000)).map((e) => e.seq);
      assert.equal(all.length, 150);
      assert.deepEqual(seen, all);
    });
  });
}
