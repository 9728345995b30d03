import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dialectSkip, dialects, freshStore, withRawDatabase, type FreshStore } from '../support/stores.js';
import { allEvents, rejectsWith, sealed } from './fixtures.js';

for (const dialect of dialects) {
  describe(`secret repository (${dialect})`, { skip: await dialectSkip(dialect) }, () => {
    let fresh: FreshStore;
    before(async () => (fresh = await freshStore(dialect)));
    after(async () => fresh?.cleanup());

    it('creates version 1 as current and returns the bytes unchanged', async () => {
      const value = sealed('v1');
      const id = await fresh.store.secrets.create(value);
      const current = await fresh.store.secrets.current(id);
      assert.equal(current?.version, 1);
      assert.equal(current?.state, 'current');
      assert.deepEqual(current?.wrappedKey, value.wrappedKey);
      assert.deepEqual(current?.ciphertext, value.ciphertext);
      assert.equal(current?.masterKeyId, 'mk-test');
      assert.equal(await fresh.store.secrets.pending(id), null);
    });

    it('adds at most one pending version, then promotes it keeping the old one as previous', async () => {
      const id = await fresh.store.secrets.create(sealed('old'));
      const pending = await fresh.store.secrets.addPending(id, sealed('new'), 'op-1');
      assert.deepEqual([pending.version, pending.state, pending.operationId], [2, 'pending', 'op-1']);
      const error = await rejectsWith(fresh.store.secrets.addPending(id, sealed('another'), null), 'OST_CONFLICT');
      assert.equal(error.details.field, 'secret.pending');
      await fresh.store.secrets.promotePending(id);
      assert.equal((await fresh.store.secrets.current(id))?.ciphertext.toString(), 'sealed:new');
      assert.equal(await fresh.store.secrets.pending(id), null);
      assert.deepEqual((await fresh.store.secrets.history(id)).map((v) => [v.version, v.state]), [[1, 'previous'], [2, 'current']]);
    });

    it('lets only one of two concurrent addPending calls through', async () => {
      const id = await fresh.store.secrets.create(sealed());
      const results = await Promise.allSettled([fresh.store.secrets.addPending(id, sealed(), null), fresh.store.secrets.addPending(id, sealed(), null)]);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      const rejected = results.find((r) => r.status === 'rejected');
      assert.equal((rejected?.reason as { code?: string } | undefined)?.code, 'OST_CONFLICT');
      assert.equal((await fresh.store.secrets.history(id)).filter((v) => v.state === 'pending').length, 1);
    });

    it('the schema itself refuses a second pending or current version of a secret', async () => {
      const id = await fresh.store.secrets.create(sealed());
      await fresh.store.secrets.addPending(id, sealed(), null);
      await withRawDatabase(fresh.url, async (raw) => {
        const row = { secret_id: id, master_key_id: 'k', wrapped_key: Buffer.from('w'), ciphertext: Buffer.from('c'), operation_id: null, created_at: 1 };
        for (const [version, state] of [[3, 'pending'], [4, 'current']] as const) {
          const error = await raw.db.insertInto('secret_versions').values({ ...row, version, state }).execute().then(() => null, (e: unknown) => e);
          assert.deepEqual(raw.classifyError(error), { kind: 'unique', table: 'secret_versions', columns: ['secret_id', 'state'] });
        }
        // Any number of previous versions is fine.
        await raw.db.insertInto('secret_versions').values({ ...row, version: 5, state: 'previous' }).execute();
      });
    });

    it('discards a pending version; promote or discard without one is OST_NOT_FOUND', async () => {
      const id = await fresh.store.secrets.create(sealed('keep'));
      await fresh.store.secrets.addPending(id, sealed('drop'), null);
      await fresh.store.secrets.discardPending(id);
      assert.equal((await fresh.store.secrets.current(id))?.ciphertext.toString(), 'sealed:keep');
      assert.deepEqual((await fresh.store.secrets.history(id)).map((v) => v.state), ['current', 'discarded']);
      await rejectsWith(fresh.store.secrets.discardPending(id), 'OST_NOT_FOUND');
      await rejectsWith(fresh.store.secrets.promotePending(id), 'OST_NOT_FOUND');
      await rejectsWith(fresh.store.secrets.addPending('missing', sealed(), null), 'OST_NOT_FOUND');
    });

    it('replaces the current version directly', async () => {
      const id = await fresh.store.secrets.create(sealed('a'));
      const replaced = await fresh.store.secrets.replaceCurrent(id, sealed('b'));
      assert.deepEqual([replaced.version, replaced.state], [2, 'current']);
      assert.deepEqual((await fresh.store.secrets.history(id)).map((v) => [v.version, v.state]), [[1, 'previous'], [2, 'current']]);
      await rejectsWith(fresh.store.secrets.replaceCurrent('missing', sealed()), 'OST_NOT_FOUND');
    });

    it('rewraps data keys all or nothing', async () => {
      const id = await fresh.store.secrets.create(sealed());
      await fresh.store.secrets.replaceCurrent(id, sealed());
      const rows = (await fresh.store.secrets.listWrappedKeys()).filter((row) => row.secretId === id);
      assert.equal(rows.length, 2);
      const rewrapped = rows.map((row) => ({ ...row, masterKeyId: 'mk-2', wrappedKey: Buffer.from(`rewrapped-${row.version}`) }));
      // One row that does not exist: nothing at all may change.
      await rejectsWith(fresh.store.secrets.rewrapKeys([...rewrapped, { ...rewrapped[0]!, version: 99 }]), 'OST_NOT_FOUND');
      assert.deepEqual((await fresh.store.secrets.history(id)).map((v) => v.masterKeyId), ['mk-test', 'mk-test']);
      await fresh.store.secrets.rewrapKeys(rewrapped);
      const history = await fresh.store.secrets.history(id);
      assert.deepEqual(history.map((v) => [v.masterKeyId, v.wrappedKey.toString()]), [['mk-2', 'rewrapped-1'], ['mk-2', 'rewrapped-2']]);
    });

    it('keeps sealed bytes out of the outbox and of error messages', async () => {
      const marker = 'SECRET-BYTES-MARKER';
      const id = await fresh.store.secrets.create(sealed(marker));
      const error = await rejectsWith(fresh.store.secrets.promotePending(id), 'OST_NOT_FOUND');
      assert.ok(!error.message.includes(marker));
      assert.ok(!JSON.stringify(await allEvents(fresh.store)).includes(marker));
    });

    it('validates sealed values and names the field', async () => {
      const error = await rejectsWith(fresh.store.secrets.create({ masterKeyId: '', wrappedKey: Buffer.alloc(1), ciphertext: Buffer.alloc(1) }), 'OST_VALIDATION');
      assert.equal(error.details.field, 'secret.masterKeyId');
    });
  });
}
