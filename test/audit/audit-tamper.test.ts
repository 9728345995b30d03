import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { auditEventHash } from '../../src/audit/audit-hash.js';
import type { AuditEventsTable } from '../../src/store/access-tables.js';
import { isPostgresUrl } from '../../src/store/open-store.js';
import { openPostgresDialect } from '../../src/store/postgres/postgres-dialect.js';
import { openSqliteDialect } from '../../src/store/sqlite/sqlite-dialect.js';
import type { StoreDialect } from '../../src/store/store-dialect.js';
import { ApiHarness, json } from '../api/api-harness.js';
import { dialectSkip, dialects } from '../support/stores.js';

interface Verification {
  ok: boolean;
  eventsChecked: number;
  broken: { seq: number; reason: string; message: string } | null;
}

const EVENTS = 6;

for (const dialect of dialects) {
  describe(`tampering with the stored audit chain (${dialect})`, { skip: await dialectSkip(dialect) }, () => {
    let api: ApiHarness;
    let auditor: string;
    /** A second connection to the database, bypassing the store: the tamperer's. */
    let tamperer: StoreDialect;

    const verify = async (): Promise<Verification> => json<Verification>(await api.call('GET', '/api/v1/audit/verify', { token: auditor }));
    const raw = <T>(fn: (db: StoreDialect['db']) => Promise<T>) => fn(tamperer.db);
    const row = (seq: number) => raw((db) => db.selectFrom('audit_events').selectAll().where('seq', '=', seq).executeTakeFirstOrThrow());
    const restore = (original: AuditEventsTable) =>
      raw(async (db) => {
        await db.deleteFrom('audit_events').where('seq', '=', original.seq).execute();
        await db.insertInto('audit_events').values(original).execute();
      });

    before(async () => {
      api = await ApiHarness.start(dialect);
      tamperer = isPostgresUrl(api.fresh.url) ? openPostgresDialect(api.fresh.url) : openSqliteDialect(api.fresh.url);
      auditor = await api.tokenFor('auditor');
      const admin = await api.tokenFor('admin');
      for (let i = 0; i < EVENTS; i += 1) await api.call('POST', '/api/v1/devices', { token: admin, body: { name: `host-${i}`, address: `10.0.0.${i}` } });
      assert.equal((await api.store.audit.head()).seq, EVENTS);
    });
    after(async () => {
      await tamperer?.close();
      await api?.stop();
    });

    it('an untouched chain verifies, up to its signed checkpoint', async () => {
      const result = await verify();
      assert.deepEqual([result.ok, result.eventsChecked, result.broken], [true, EVENTS, null]);
    });

    it('editing any row is detected at that row', async () => {
      for (let seq = 1; seq <= EVENTS; seq += 1) {
        const original = await row(seq);
        await raw((db) => db.updateTable('audit_events').set({ changes: '{"name":"evil"}' }).where('seq', '=', seq).execute());
        const result = await verify();
        await restore(original);
        assert.deepEqual([result.ok, result.broken?.seq, result.broken?.reason], [false, seq, 'hash_mismatch']);
      }
      assert.equal((await verify()).ok, true);
    });

    it('editing a row and recomputing its hash is detected at the next link, the last one by the checkpoint', async () => {
      for (let seq = 1; seq <= EVENTS; seq += 1) {
        const original = await row(seq);
        const [stored] = await api.store.audit.readAfter(seq - 1, 1);
        const forged = { ...stored!, actor: 'user:mallory' };
        await raw((db) => db.updateTable('audit_events').set({ actor: forged.actor, hash: auditEventHash(forged.prevHash, forged) }).where('seq', '=', seq).execute());
        const result = await verify();
        await restore(original);
        const expected = seq < EVENTS ? [seq + 1, 'prev_hash_mismatch'] : [EVENTS, 'checkpoint_hash_mismatch'];
        assert.deepEqual([result.broken?.seq, result.broken?.reason], expected, `row ${seq}`);
      }
    });

    it('deleting any row is detected', async () => {
      for (let seq = 1; seq <= EVENTS; seq += 1) {
        const original = await row(seq);
        await raw((db) => db.deleteFrom('audit_events').where('seq', '=', seq).execute());
        const result = await verify();
        await restore(original);
        const expected = seq < EVENTS ? [seq, 'seq_gap'] : [EVENTS, 'checkpoint_ahead_of_chain'];
        assert.deepEqual([result.broken?.seq, result.broken?.reason], expected, `row ${seq}`);
      }
    });

    it('reordering two rows is detected', async () => {
      for (let seq = 1; seq < EVENTS; seq += 1) {
        const [a, b] = [await row(seq), await row(seq + 1)];
        await raw(async (db) => {
          await db.deleteFrom('audit_events').where('seq', 'in', [seq, seq + 1]).execute();
          await db.insertInto('audit_events').values([{ ...b, seq }, { ...a, seq: seq + 1 }]).execute();
        });
        const result = await verify();
        await raw((db) => db.deleteFrom('audit_events').where('seq', 'in', [seq, seq + 1]).execute());
        await restore(a);
        await restore(b);
        assert.equal(result.ok, false, `rows ${seq} and ${seq + 1}`);
        assert.equal(result.broken?.seq, seq);
      }
      assert.equal((await verify()).ok, true);
    });

    it('truncating the tail (and rewinding the head) is detected through the checkpoint', async () => {
      await raw(async (db) => {
        const keep = await db.selectFrom('audit_events').selectAll().where('seq', '=', EVENTS - 2).executeTakeFirstOrThrow();
        await db.deleteFrom('audit_events').where('seq', '>', EVENTS - 2).execute();
        await db.updateTable('audit_head').set({ seq: keep.seq, hash: keep.hash }).where('id', '=', 1).execute();
      });
      const result = await verify();
      assert.deepEqual([result.ok, result.broken?.seq, result.broken?.reason], [false, EVENTS - 1, 'checkpoint_ahead_of_chain']);
      assert.match(result.broken?.message ?? '', /tail was removed/);
    });

    it('new events appended after a truncation still do not hide it', async () => {
      const admin = await api.tokenFor('admin');
      for (let i = 0; i < 3; i += 1) await api.call('POST', '/api/v1/devices', { token: admin, body: { name: `after-${i}`, address: '10.1.0.1' } });
      const result = await verify();
      assert.equal(result.ok, false);
      assert.ok(['checkpoint_hash_mismatch', 'checkpoint_ahead_of_chain'].includes(result.broken?.reason ?? ''), JSON.stringify(result.broken));
      const count = await raw(async (db) => (await sql<{ n: number }>`select count(*) as n from audit_events`.execute(db)).rows[0]?.n);
      assert.equal(Number(count), EVENTS - 2 + 3 + 0);
    });
  });
}
