import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Credential, Device } from '../../src/domain/index.js';
import { dialectSkip, dialects, freshStore, type FreshStore } from '../support/stores.js';
import { rejectsWith, sealed } from './fixtures.js';

/**
 * Changing a credential's parent and reconciliation credential after it was created
 * (`CredentialRepository.setLinks`): validated in the transaction on both dialects.
 */
for (const dialect of dialects) {
  describe(`credential links (${dialect})`, { skip: await dialectSkip(dialect) }, () => {
    let fresh: FreshStore;
    let device: Device;
    let otherDevice: Device;
    const credential = (username: string, deviceId = device.id): Promise<Credential> =>
      fresh.store.credentials.create({ deviceId, username, secret: sealed() });

    before(async () => {
      fresh = await freshStore(dialect);
      device = await fresh.store.devices.create({ name: 'db', address: '127.0.0.1' });
      otherDevice = await fresh.store.devices.create({ name: 'other', address: '127.0.0.2' });
    });
    after(async () => fresh?.cleanup());

    it('sets, keeps and clears the parent and the reconciliation credential', async () => {
      const [root, admin, app] = [await credential('root'), await credential('admin'), await credential('app')];
      const linked = await fresh.store.credentials.setLinks(app.id, { parentId: root.id, reconcileCredentialId: admin.id });
      assert.deepEqual([linked.parentId, linked.reconcileCredentialId], [root.id, admin.id]);
      assert.deepEqual((await fresh.store.credentials.get(app.id))?.parentId, root.id, 'stored');

      const kept = await fresh.store.credentials.setLinks(app.id, { parentId: admin.id });
      assert.deepEqual([kept.parentId, kept.reconcileCredentialId], [admin.id, admin.id], 'a link left out is kept');
      const children = await fresh.store.rotationSettings.children(admin.id);
      assert.equal(children.length, 0, 'children() lists only children with rotation settings');

      const cleared = await fresh.store.credentials.setLinks(app.id, { parentId: null, reconcileCredentialId: null });
      assert.deepEqual([cleared.parentId, cleared.reconcileCredentialId], [null, null]);
      assert.ok(cleared.updatedAt >= app.updatedAt);
    });

    it('refuses a missing credential, itself, a loop in the parent chain, and a reconciler of another device — changing nothing', async () => {
      const [a, b, c] = [await credential('a'), await credential('b'), await credential('c')];
      await fresh.store.credentials.setLinks(b.id, { parentId: a.id });
      await fresh.store.credentials.setLinks(c.id, { parentId: b.id });

      const missing = await rejectsWith(fresh.store.credentials.setLinks('nope', { parentId: a.id }), 'OST_NOT_FOUND');
      assert.equal(missing.details.id, 'nope');
      const noParent = await rejectsWith(fresh.store.credentials.setLinks(a.id, { parentId: '00000000-0000-4000-8000-000000000000' }), 'OST_NOT_FOUND');
      assert.equal(noParent.details.field, 'credential.parentId');
      const own = await rejectsWith(fresh.store.credentials.setLinks(a.id, { parentId: a.id }), 'OST_VALIDATION');
      assert.equal(own.details.field, 'credential.parentId');
      const loop = await rejectsWith(fresh.store.credentials.setLinks(a.id, { parentId: c.id }), 'OST_VALIDATION');
      assert.equal(loop.details.field, 'credential.parentId');
      assert.match(loop.message, /must not loop/);
      // Both links in one call: the refused parent leaves the valid reconciler unset too.
      await rejectsWith(fresh.store.credentials.setLinks(a.id, { parentId: b.id, reconcileCredentialId: c.id }), 'OST_VALIDATION');
      assert.deepEqual([(await fresh.store.credentials.get(a.id))?.parentId, (await fresh.store.credentials.get(a.id))?.reconcileCredentialId], [null, null]);

      const ownReconciler = await rejectsWith(fresh.store.credentials.setLinks(a.id, { reconcileCredentialId: a.id }), 'OST_VALIDATION');
      assert.equal(ownReconciler.details.field, 'credential.reconcileCredentialId');
      const elsewhere = await credential('admin', otherDevice.id);
      const foreign = await rejectsWith(fresh.store.credentials.setLinks(a.id, { reconcileCredentialId: elsewhere.id }), 'OST_VALIDATION');
      assert.equal(foreign.details.field, 'credential.reconcileCredentialId');
      assert.match(foreign.message, /same device/);
      const noReconciler = await rejectsWith(fresh.store.credentials.setLinks(a.id, { reconcileCredentialId: '00000000-0000-4000-8000-000000000001' }), 'OST_NOT_FOUND');
      assert.equal(noReconciler.details.field, 'credential.reconcileCredentialId');

      // A parent on another device is fine (a chain spans devices); a reconciler there is refused at creation too.
      assert.equal((await fresh.store.credentials.setLinks(elsewhere.id, { parentId: c.id })).parentId, c.id);
      const created = await rejectsWith(fresh.store.credentials.create({ deviceId: device.id, username: 'd', secret: sealed(), reconcileCredentialId: elsewhere.id }), 'OST_VALIDATION');
      assert.equal(created.details.field, 'credential.reconcileCredentialId');
      assert.equal(await fresh.store.credentials.findByDeviceAndUsername(device.id, 'd'), null);
    });

    it('two concurrent changes cannot close a loop between them', async () => {
      const pairs = await Promise.all(Array.from({ length: 20 }, async (_, i) => [await credential(`x${i}`), await credential(`y${i}`)] as const));
      const results = await Promise.all(pairs.map(([x, y]) => Promise.allSettled([
        fresh.store.credentials.setLinks(x.id, { parentId: y.id }),
        fresh.store.credentials.setLinks(y.id, { parentId: x.id }),
      ])));
      for (const [index, [x, y]] of pairs.entries()) {
        const pair = results[index]!;
        assert.equal(pair.filter((result) => result.status === 'fulfilled').length, 1, `pair ${index}: exactly one wins`);
        const refused = pair.find((result) => result.status === 'rejected');
        assert.equal((refused?.reason as { code?: string }).code, 'OST_VALIDATION');
        const [nowX, nowY] = [await fresh.store.credentials.get(x.id), await fresh.store.credentials.get(y.id)];
        assert.ok((nowX?.parentId === y.id) !== (nowY?.parentId === x.id), `pair ${index}: one link, never both`);
      }
    });
  });
}
