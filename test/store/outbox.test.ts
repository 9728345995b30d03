import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { OutboxEvent } from '../../src/domain/index.js';
import { openStore } from '../../src/store/open-store.js';
import { insertOutboxEvents } from '../../src/store/outbox-rows.js';
import type { Store } from '../../src/store/store.js';
import { dialectSkip, dialects, freshStore, withRawDatabase, type FreshStore } from '../support/stores.js';
import { newOperation, rejectsWith } from './fixtures.js';

/** Reads forward only, from the last seq it has seen, until `done()` and then once more. */
async function readForward(store: Store, start: number, done: () => boolean): Promise<OutboxEvent[]> {
  const seen: OutboxEvent[] = [];
  let cursor = start;
  for (let last = false; ; last = done()) {
    const batch = await store.outbox.read(cursor, 1000);
    seen.push(...batch);
    cursor = batch.at(-1)?.seq ?? cursor;
    if (last && batch.length === 0) return seen;
  }
}

function assertDense(seqs: readonly number[], from: number): void {
  assert.deepEqual(seqs, seqs.map((_, i) => from + i + 1), 'positions follow one another with no gap');
}

for (const dialect of dialects) {
  describe(`outbox (${dialect})`, { skip: await dialectSkip(dialect) }, () => {
    let fresh: FreshStore;
    before(async () => (fresh = await freshStore(dialect)));
    after(async () => fresh?.cleanup());

    it('appends events with increasing seq and reads them after a seq, oldest first', async () => {
      const a = await fresh.store.outbox.append('device.created', 'd1', { deviceId: 'd1', actor: 'alice' });
      const b = await fresh.store.outbox.append('device.updated', 'd1', { deviceId: 'd1' });
      assert.equal(b.seq, a.seq + 1);
      assert.deepEqual(a.payload, { deviceId: 'd1', actor: 'alice' });
      const events = await fresh.store.outbox.read(a.seq - 1, 10);
      assert.deepEqual(events.map((e) => e.type), ['device.created', 'device.updated']);
      assert.deepEqual(await fresh.store.outbox.read(b.seq, 10), []);
      assert.equal((await fresh.store.outbox.read(0, 1)).length, 1);
      assert.equal(await fresh.store.outbox.head(), b.seq);
      await rejectsWith(fresh.store.outbox.read(-1, 10), 'OST_VALIDATION');
      await rejectsWith(fresh.store.outbox.read(0, 0), 'OST_VALIDATION');
      await rejectsWith(fresh.store.outbox.append('', 'x', {}), 'OST_VALIDATION');
    });

    it('a forward-only reader sees every concurrent append and submit, from several pools, exactly once', async () => {
      // Several pools are several processes; a SQLite store serves one process (and its
      // synchronous driver would wait on itself), so there the submits share the one store.
      const multiProcess = fresh.store.capabilities.multiProcess;
      const others = multiProcess ? await Promise.all([1, 2, 3].map(() => openStore({ url: fresh.url, migrate: false }))) : [];
      const submitters = multiProcess ? others : [fresh.store, fresh.store, fresh.store];
      let writing = true;
      try {
        const start = await fresh.store.outbox.head();
        const reader = readForward(fresh.store, start, () => !writing);
        const appends = Array.from({ length: 60 }, (_, i) => fresh.store.outbox.append('test.event', `s${i}`, { i }));
        const submits = submitters.flatMap((store, p) => Array.from({ length: 30 }, (_, i) => store.operations.submit(newOperation({ requester: `pool${p}-${i}` }))));
        const [submitted] = await Promise.all([Promise.all(submits), Promise.all(appends)]);
        writing = false;
        const seen = await reader;
        const all = await fresh.store.outbox.read(start, 10_000);
        assert.equal(all.length, 60 + 90);
        assert.deepEqual(seen.map((e) => e.seq), all.map((e) => e.seq));
        assertDense(all.map((e) => e.seq), start);
        const scheduled = new Set(all.filter((e) => e.type === 'operation.scheduled').map((e) => e.subjectId));
        assert.ok(submitted.every((operation) => scheduled.has(operation.id)), 'every submit has its event');
      } finally {
        writing = false;
        await Promise.all(others.map((store) => store.close()));
      }
    });

    it('a rolled-back transaction leaves no gap in seq', async () => {
      const start = await fresh.store.outbox.head();
      await withRawDatabase(fresh.url, (raw) =>
        assert.rejects(
          raw.db.transaction().execute(async (trx) => {
            await insertOutboxEvents(trx, raw, [{ type: 'test.rolled-back', subjectId: 'r', payload: {} }], Date.now());
            throw new Error('roll back');
          }),
          /roll back/,
        ),
      );
      await fresh.store.operations.submit(newOperation());
      await fresh.store.outbox.append('test.after-rollback', 'a', {});
      const events = await fresh.store.outbox.read(start, 100);
      assert.deepEqual(events.map((e) => e.type), ['operation.scheduled', 'test.after-rollback']);
      assertDense(events.map((e) => e.seq), start);
    });
  });
}
