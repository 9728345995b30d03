import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Device } from '../../src/domain/index.js';
import { dialectSkip, dialects, freshStore, type FreshStore } from '../support/stores.js';
import { allEvents, rejectsWith, sealed } from './fixtures.js';

for (const dialect of dialects) {
  describe(`credential repository (${dialect})`, { skip: await dialectSkip(dialect) }, () => {
    let fresh: FreshStore;
    let device: Device;
    before(async () => {
      fresh = await freshStore(dialect);
      device = await fresh.store.devices.create({ name: 'host', address: '127.0.0.1' });
    });
    after(async () => fresh?.cleanup());

    it('creates a credential with its secrets, passphrase and fields, without exposing sealed bytes', async () => {
      const marker = 'CRED-SECRET-MARKER';
      const credential = await fresh.store.credentials.create({
        deviceId: device.id,
        username: 'svc',
        kind: 'private_key',
        secret: sealed(marker),
        passphrase: sealed(`${marker}-pass`),
        additionalInfo: 'backup account',
        domain: 'corp',
        fields: [
          { name: 'PORT', value: '5432' },
          { name: 'API_TOKEN', value: null, secret: sealed(`${marker}-field`) },
        ],
      });
      assert.equal(credential.kind, 'private_key');
      assert.equal(credential.syncState, 'in_sync');
      assert.deepEqual(credential.fields.map((f) => [f.name, f.value, f.secretId !== null]), [['PORT', '5432', false], ['API_TOKEN', null, true]]);
      const fieldSecret = credential.fields[1]?.secretId ?? '';
      assert.equal((await fresh.store.secrets.current(fieldSecret))?.ciphertext.toString(), `sealed:${marker}-field`);
      assert.equal((await fresh.store.secrets.current(credential.secretId))?.ciphertext.toString(), `sealed:${marker}`);
      assert.equal((await fresh.store.secrets.current(credential.passphraseSecretId ?? ''))?.version, 1);
      assert.deepEqual(await fresh.store.credentials.get(credential.id), credential);
      assert.deepEqual(await fresh.store.credentials.findByDeviceAndUsername(device.id, 'svc'), credential);
      // The credential carries secret ids only; the sealed bytes never reach the outbox.
      assert.ok(!JSON.stringify(credential).includes(marker));
      assert.ok(!JSON.stringify(await allEvents(fresh.store)).includes(marker));
    });

    it('refuses a duplicate username on the same device as OST_CONFLICT naming credential.username', async () => {
      await fresh.store.credentials.create({ deviceId: device.id, username: 'dup', secret: sealed() });
      const error = await rejectsWith(fresh.store.credentials.create({ deviceId: device.id, username: 'dup', secret: sealed('x') }), 'OST_CONFLICT');
      assert.equal(error.details.field, 'credential.username');
      assert.ok(!error.message.includes('sealed:x'));
    });

    it('names the missing device or parent as OST_NOT_FOUND and writes nothing', async () => {
      const before = (await fresh.store.secrets.listWrappedKeys()).length;
      const noDevice = await rejectsWith(fresh.store.credentials.create({ deviceId: 'nope', username: 'a', secret: sealed() }), 'OST_NOT_FOUND');
      assert.equal(noDevice.details.field, 'credential.deviceId');
      const noParent = await rejectsWith(
        fresh.store.credentials.create({ deviceId: device.id, username: 'child', secret: sealed(), parentId: 'nope' }),
        'OST_NOT_FOUND',
      );
      assert.equal(noParent.details.field, 'credential.parentId');
      assert.equal((await fresh.store.secrets.listWrappedKeys()).length, before);
    });

    it('links parent and reconciliation credentials', async () => {
      const parent = await fresh.store.credentials.create({ deviceId: device.id, username: 'root', secret: sealed() });
      const child = await fresh.store.credentials.create({
        deviceId: device.id,
        username: 'app',
        secret: sealed(),
        parentId: parent.id,
        reconcileCredentialId: parent.id,
      });
      assert.equal(child.parentId, parent.id);
      assert.equal(child.reconcileCredentialId, parent.id);
      // The parent is still referenced: deleting it is a conflict and changes nothing.
      await rejectsWith(fresh.store.credentials.delete(parent.id), 'OST_CONFLICT');
      assert.ok(await fresh.store.credentials.get(parent.id));
    });

    it('lists by device ordered by username and pages through all credentials', async () => {
      const other = await fresh.store.devices.create({ name: 'other-host', address: '127.0.0.2' });
      for (const name of ['zed', 'amy', 'kim']) await fresh.store.credentials.create({ deviceId: other.id, username: name, secret: sealed() });
      assert.deepEqual((await fresh.store.credentials.listByDevice(other.id)).map((c) => c.username), ['amy', 'kim', 'zed']);
      const ids: string[] = [];
      let after: string | undefined;
      do {
        const page = await fresh.store.credentials.list({ limit: 2, ...(after ? { after } : {}) });
        ids.push(...page.items.map((c) => c.id));
        after = page.next ?? undefined;
      } while (after);
      const expected = [...(await fresh.store.credentials.listByDevice(device.id)), ...(await fresh.store.credentials.listByDevice(other.id))];
      assert.deepEqual(new Set(ids), new Set(expected.map((c) => c.id)));
      assert.equal(ids.length, expected.length);
    });

    it('sets the sync state, validating it', async () => {
      const credential = await fresh.store.credentials.create({ deviceId: device.id, username: 'sync', secret: sealed() });
      await fresh.store.credentials.setSyncState(credential.id, 'out_of_sync');
      assert.equal((await fresh.store.credentials.get(credential.id))?.syncState, 'out_of_sync');
      await rejectsWith(fresh.store.credentials.setSyncState(credential.id, 'lost' as never), 'OST_VALIDATION');
      await rejectsWith(fresh.store.credentials.setSyncState('missing', 'in_sync'), 'OST_NOT_FOUND');
    });

    it('deletes a credential with its fields and the secrets only it used', async () => {
      const credential = await fresh.store.credentials.create({
        deviceId: device.id,
        username: 'gone',
        secret: sealed(),
        fields: [{ name: 'TOKEN', value: null, secret: sealed() }],
      });
      const secretIds = [credential.secretId, credential.fields[0]?.secretId ?? ''];
      await fresh.store.credentials.delete(credential.id);
      assert.equal(await fresh.store.credentials.get(credential.id), null);
      for (const id of secretIds) assert.deepEqual(await fresh.store.secrets.history(id), []);
      await rejectsWith(fresh.store.credentials.delete(credential.id), 'OST_NOT_FOUND');
    });
  });
}
