import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { dialectSkip, dialects, freshStore, withRawDatabase, type FreshStore } from '../support/stores.js';
import { newOperation } from './fixtures.js';

/** Counts wake-ups and lets a test wait for the next one. */
class WakeCounter {
  count = 0;
  readonly listener = (): void => void (this.count += 1);
  async waitAbove(count: number, poke?: () => Promise<void>): Promise<void> {
    for (let i = 0; i < 500 && this.count <= count; i += 1) {
      if (poke && i % 20 === 0) await poke();
      await sleep(10);
    }
    assert.ok(this.count > count, 'expected a wake-up');
  }
}

for (const dialect of dialects) {
  describe(`work signals (${dialect})`, { skip: await dialectSkip(dialect) }, () => {
    let fresh: FreshStore;
    let listenerSide: Store;
    before(async () => {
      fresh = await freshStore(dialect);
      // Across processes where the dialect can; SQLite signals stay in its one process.
      listenerSide = fresh.store.capabilities.crossProcessSignals ? await openStore({ url: fresh.url }) : fresh.store;
    });
    after(async () => {
      if (listenerSide !== fresh?.store) await listenerSide?.close();
      await fresh?.cleanup();
    });

    it('wakes listeners on submit, on notifyWork and on release, and stops when asked', async () => {
      const wakes = new WakeCounter();
      const stop = await listenerSide.signals.onWork(wakes.listener);
      await fresh.store.operations.submit(newOperation());
      await wakes.waitAbove(0);
      const afterSubmit = wakes.count;
      await fresh.store.signals.notifyWork();
      await wakes.waitAbove(afterSubmit);
      const waiting = await fresh.store.operations.submit(newOperation({ status: 'waiting_approval' }));
      const beforeRelease = wakes.count;
      await fresh.store.operations.release([waiting.id], 'scheduled', 'approver');
      await wakes.waitAbove(beforeRelease);
      await stop();
      const stopped = wakes.count;
      await fresh.store.signals.notifyWork();
      await fresh.store.operations.submit(newOperation());
      await sleep(100);
      assert.equal(wakes.count, stopped);
    });

    it('a submit that fails wakes nobody', async () => {
      const wakes = new WakeCounter();
      const stop = await listenerSide.signals.onWork(wakes.listener);
      await assert.rejects(fresh.store.operations.submitMany([newOperation(), newOperation({ templateVersion: -1 })]));
      await sleep(100);
      assert.equal(wakes.count, 0);
      await stop();
    });
  });
}

describe('work signals: the PostgreSQL listener reconnects', { skip: await dialectSkip('postgres') }, () => {
  let fresh: FreshStore;
  let listenerSide: Store;
  before(async () => {
    fresh = await freshStore('postgres');
    listenerSide = await openStore({ url: fresh.url });
  });
  after(async () => {
    await listenerSide?.close();
    await fresh?.cleanup();
  });

  async function listenerPids(): Promise<number[]> {
    return withRawDatabase(fresh.url, async (raw) => {
      const result = await sql<{ pid: number }>`select pid from pg_stat_activity where datname = current_database() and query like 'LISTEN%'`.execute(raw.db);
      return result.rows.map((row) => row.pid);
    });
  }

  it('keeps delivering after its connection is killed', async () => {
    const wakes = new WakeCounter();
    const stop = await listenerSide.signals.onWork(wakes.listener);
    const [pid] = await listenerPids();
    assert.ok(pid, 'a LISTEN connection is open');
    await withRawDatabase(fresh.url, (raw) => sql`select pg_terminate_backend(${pid}::int)`.execute(raw.db));
    // After it reconnects, the listener wakes its callers once (a NOTIFY may have been missed)…
    await wakes.waitAbove(0);
    const [newPid] = await listenerPids();
    assert.ok(newPid && newPid !== pid, 'a new LISTEN connection replaced the killed one');
    // …and notifications from other processes reach it again.
    const reconnected = wakes.count;
    await fresh.store.operations.submit(newOperation());
    await wakes.waitAbove(reconnected);
    await stop();
    assert.deepEqual(await listenerPids(), []);
  });

  it('close() leaves no connection behind', async () => {
    const extra = await openStore({ url: fresh.url });
    await extra.signals.onWork(() => undefined);
    await extra.operations.submit(newOperation());
    await extra.close();
    await extra.close();
    await listenerSide.close();
    await fresh.store.close();
    const remaining = await withRawDatabase(fresh.url, async (raw) => {
      const result = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`.execute(raw.db);
      return result.rows[0]?.n;
    });
    assert.equal(remaining, 0);
  });
});
