import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openStore } from '../../src/store/open-store.js';
import type { RotationFence } from '../../src/store/rotation-store.js';
import type { Store } from '../../src/store/store.js';
import type { Vault } from '../../src/vault/index.js';
import { dialects, dialectSkip, freshStore, withRawDatabase } from '../support/stores.js';
import type { FreshStore } from '../support/stores.js';
import { rotationWorld } from './support/rotation-fixtures.js';
import type { RotationWorld } from './support/rotation-fixtures.js';
import { testVault } from './support/test-vault.js';

/** The store's side of rotation on every dialect: the per-credential lock, fencing, and chains. */
for (const dialect of dialects) {
  describe(`rotation journal (${dialect})`, { skip: await dialectSkip(dialect) }, () => {
    let fresh: FreshStore;
    let store: Store;
    let vault: Vault;
    let world: RotationWorld;
    before(async () => {
      [fresh, vault] = await Promise.all([freshStore(dialect), testVault()]);
      store = fresh.store;
      world = await rotationWorld(store, vault);
    });
    after(() => fresh?.cleanup());

    /** Claims exactly this operation (others still queued by earlier tests are cancelled first). */
    async function claimFence(operationId: string): Promise<RotationFence> {
      for (const operation of (await store.operations.list({ status: ['scheduled'] })).items) {
        if (operation.id !== operationId) await store.operations.requestCancel(operation.id, 'test');
      }
      const claim = await store.operations.claimNext({ workerId: 'w1', leaseMs: 60_000, perDeviceLimit: 100, executors: ['fake'] });
      assert.equal(claim?.operation.id, operationId);
      return { operationId, attemptId: claim.attempt.id, workerId: 'w1' };
    }

    it('many concurrent requests for one credential, from two processes, start exactly one rotation', async () => {
      const credential = await world.credential('racer', 'pw-racer');
      // SQLite serializes writers in one file (and better-sqlite3 blocks its process while it waits),
      // so the second "process" is a second store only on PostgreSQL, where the race is real.
      const other = dialect === 'postgres' ? await openStore({ url: fresh.url }) : store;
      try {
        const services = [world.service, new (await import('../../src/rotation/index.js')).RotationService({ store: other })];
        const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => services[i % 2]!.rotate(credential.id, { requester: `r${i}` })));
        const started = results.filter((r) => r.status === 'fulfilled');
        assert.equal(started.length, 1, 'one rotation started');
        for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as { code?: string }).code, 'OST_CONFLICT');
        assert.equal((await store.operations.list({ credentialId: credential.id })).items.length, 1, 'one operation submitted');
      } finally {
        if (other !== store) await other.close();
      }
    });

    it('the lock is in the schema: a second unfinished row for a credential is refused by the database', async () => {
      const credential = await world.credential('schema-lock', 'pw');
      const { rotation } = await world.service.rotate(credential.id, { requester: 'r' });
      await withRawDatabase(fresh.url, async (raw) => {
        const row = { id: 'x-second', credential_id: credential.id, operation_id: 'op-x', kind: 'password_change', trigger: 'manual', requester: 'r', parent_rotation_id: null, phase: 'requested', error_code: null, created_at: 1, updated_at: 1, finished_at: null };
        await assert.rejects(raw.db.insertInto('rotations').values(row).execute());
        // A finished row for the same credential is history, not a lock.
        await raw.db.insertInto('rotations').values({ ...row, id: 'x-old', operation_id: 'op-old', finished_at: 1 }).execute();
      });
      assert.equal((await store.rotations.active(credential.id))?.id, rotation.id);
      await store.operations.requestCancel(rotation.operationId, 'test');
    });

    it('a worker that lost its lease records nothing', async () => {
      const credential = await world.credential('fenced', 'pw-fenced');
      const { rotation } = await world.service.rotate(credential.id, { requester: 'r' });
      const fence = await claimFence(rotation.operationId);
      const stale = { ...fence, attemptId: 'another-attempt' };
      await assert.rejects(store.rotations.recordIntent(rotation.id, credential.secretId, vault.seal('new-pw'), stale), { code: 'OST_LEASE_LOST' });
      assert.equal(await store.secrets.pending(credential.secretId), null);
      await store.rotations.recordIntent(rotation.id, credential.secretId, vault.seal('new-pw'), fence);
      await assert.rejects(store.rotations.commit(rotation.id, stale, []), { code: 'OST_LEASE_LOST' });
      assert.notEqual(await store.secrets.pending(credential.secretId), null, 'still pending');
      await store.rotations.commit(rotation.id, fence, []);
      assert.equal(vault.open((await store.secrets.current(credential.secretId))!), 'new-pw');
      await assert.rejects(store.rotations.commit(rotation.id, fence, []), { code: 'OST_CONFLICT' }, 'a finished rotation cannot commit twice');
    });

    it("a child already rotating is skipped by the parent's commit, which still succeeds", async () => {
      const parent = await world.credential('chain-parent', 'pw-p');
      const [busy, free] = [await world.credential('chain-busy', 'pw-b', { parentId: parent.id }), await world.credential('chain-free', 'pw-f', { parentId: parent.id })];
      const busyRotation = await world.service.rotate(busy.id, { requester: 'r' });
      const { rotation } = await world.service.rotate(parent.id, { requester: 'r' });
      const parentFence = await claimFence(rotation.operationId);
      await store.rotations.recordIntent(rotation.id, parent.secretId, vault.seal('parent-new'), parentFence);
      const children = await Promise.all([busy, free].map(async (child) => ({
        credentialId: child.id, kind: 'password_change' as const, trigger: 'parent' as const, requester: 'r',
        operation: { type: 'password_change' as const, executor: 'fake', templateId: world.changeTemplateId, templateVersion: 1, deviceId: child.deviceId, credentialId: child.id, variables: {}, requester: 'r', parentId: rotation.operationId },
      })));
      const result = await store.rotations.commit(rotation.id, parentFence, children);
      assert.deepEqual(result.children.map((c) => c.rotation.credentialId), [free.id]);
      assert.equal(result.children[0]?.rotation.parentRotationId, rotation.id);
      assert.equal(result.children[0]?.operation.parentId, rotation.operationId);
      assert.equal((await store.rotations.active(busy.id))?.id, busyRotation.rotation.id, 'the busy child keeps its own rotation');
    });
  });
}
