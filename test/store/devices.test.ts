import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dialectSkip, dialects, freshStore, type FreshStore } from '../support/stores.js';
import { rejectsWith } from './fixtures.js';

for (const dialect of dialects) {
  describe(`device repository (${dialect})`, { skip: await dialectSkip(dialect) }, () => {
    let fresh: FreshStore;
    before(async () => (fresh = await freshStore(dialect)));
    after(async () => fresh?.cleanup());

    it('creates a device with defaults and reads it back by id and by name', async () => {
      const created = await fresh.store.devices.create({ name: 'db-01', address: '10.0.0.1', tags: ['prod', 'db'] });
      assert.equal(created.port, 22);
      assert.deepEqual(created.tags, ['prod', 'db']);
      assert.equal(created.hostKey, null);
      assert.deepEqual(await fresh.store.devices.get(created.id), created);
      assert.deepEqual(await fresh.store.devices.getByName('db-01'), created);
      assert.equal(await fresh.store.devices.get('missing'), null);
      assert.equal(await fresh.store.devices.getByName('missing'), null);
    });

    it('refuses a second device with the same name as OST_CONFLICT naming device.name', async () => {
      await fresh.store.devices.create({ name: 'dup', address: 'a' });
      const error = await rejectsWith(fresh.store.devices.create({ name: 'dup', address: 'b' }), 'OST_CONFLICT');
      assert.equal(error.details.field, 'device.name');
      assert.match(error.message, /device\.name/);
    });

    it('validates input and names the field', async () => {
      const port = await rejectsWith(fresh.store.devices.create({ name: 'p', address: 'a', port: 70000 }), 'OST_VALIDATION');
      assert.equal(port.details.field, 'device.port');
      const name = await rejectsWith(fresh.store.devices.create({ name: '', address: 'a' }), 'OST_VALIDATION');
      assert.equal(name.details.field, 'device.name');
    });

    it('updates only the given fields and bumps updatedAt', async () => {
      const device = await fresh.store.devices.create({ name: 'upd', address: '10.0.0.2', site: 'east' });
      const updated = await fresh.store.devices.update(device.id, { port: 2222, vendor: 'acme' });
      assert.equal(updated.port, 2222);
      assert.equal(updated.vendor, 'acme');
      assert.equal(updated.site, 'east');
      assert.equal(updated.address, '10.0.0.2');
      assert.ok(updated.updatedAt >= device.updatedAt);
      assert.deepEqual(await fresh.store.devices.get(device.id), updated);
      await rejectsWith(fresh.store.devices.update('missing', { port: 1 }), 'OST_NOT_FOUND');
    });

    it('renaming onto an existing name is a conflict', async () => {
      await fresh.store.devices.create({ name: 'taken', address: 'a' });
      const other = await fresh.store.devices.create({ name: 'free', address: 'a' });
      const error = await rejectsWith(fresh.store.devices.update(other.id, { name: 'taken' }), 'OST_CONFLICT');
      assert.equal(error.details.field, 'device.name');
    });

    it('pins the first host key seen and keeps it', async () => {
      const device = await fresh.store.devices.create({ name: 'pin', address: 'a' });
      assert.equal(await fresh.store.devices.pinHostKey(device.id, 'ssh-ed25519 AAAA1'), 'ssh-ed25519 AAAA1');
      assert.equal(await fresh.store.devices.pinHostKey(device.id, 'ssh-ed25519 BBBB2'), 'ssh-ed25519 AAAA1');
      assert.equal((await fresh.store.devices.get(device.id))?.hostKey, 'ssh-ed25519 AAAA1');
      await rejectsWith(fresh.store.devices.pinHostKey('missing', 'ssh-ed25519 X'), 'OST_NOT_FOUND');
    });

    it('pages through devices by name with a cursor', async () => {
      for (const n of [5, 3, 1, 4, 2]) await fresh.store.devices.create({ name: `page-${n}`, address: 'a' });
      const seen: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await fresh.store.devices.list({ limit: 2, ...(after ? { after } : {}) });
        seen.push(...page.items.map((d) => d.name));
        assert.ok(page.items.length <= 2);
        if (page.next === null) break;
        after = page.next;
      }
      const pageNames = seen.filter((name) => name.startsWith('page-'));
      assert.deepEqual(pageNames, ['page-1', 'page-2', 'page-3', 'page-4', 'page-5']);
      assert.equal(new Set(seen).size, seen.length);
      await rejectsWith(fresh.store.devices.list({ after: 'not-a-cursor' }), 'OST_VALIDATION');
      await rejectsWith(fresh.store.devices.list({ limit: 0 }), 'OST_VALIDATION');
    });

    it('deletes a device; a missing one is OST_NOT_FOUND; one with credentials is OST_CONFLICT', async () => {
      const device = await fresh.store.devices.create({ name: 'del', address: 'a' });
      await fresh.store.devices.delete(device.id);
      assert.equal(await fresh.store.devices.get(device.id), null);
      await rejectsWith(fresh.store.devices.delete(device.id), 'OST_NOT_FOUND');
      const used = await fresh.store.devices.create({ name: 'used', address: 'a' });
      const secret = { masterKeyId: 'k', wrappedKey: Buffer.from('w'), ciphertext: Buffer.from('c') };
      await fresh.store.credentials.create({ deviceId: used.id, username: 'root', secret });
      await rejectsWith(fresh.store.devices.delete(used.id), 'OST_CONFLICT');
      assert.ok(await fresh.store.devices.get(used.id));
    });
  });
}
