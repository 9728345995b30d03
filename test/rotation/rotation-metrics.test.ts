import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OstiaryMetrics } from '../../src/outbound/metrics/ostiary-metrics.js';
import { RotationRunner } from '../../src/rotation/index.js';
import type { Vault } from '../../src/vault/index.js';
import { freshStore } from '../support/stores.js';
import type { FreshStore } from '../support/stores.js';
import { driveNext } from './support/attempt-driver.js';
import { FakeDevice } from './support/fake-device.js';
import { rotationWorld } from './support/rotation-fixtures.js';
import type { RotationWorld } from './support/rotation-fixtures.js';
import { testVault } from './support/test-vault.js';

/**
 * The runner counts each decided outcome in `ostiary_rotations_total` (the counter of
 * `OstiaryMetrics`, handed in structurally as `ostiary start` does): succeeded, failed,
 * out_of_sync and reconciled, each once.
 */
describe('rotation outcomes in the metrics (fake target, SQLite store)', () => {
  let fresh: FreshStore;
  let vault: Vault;
  let world: RotationWorld;
  let metrics: OstiaryMetrics;
  let runner: RotationRunner;
  const device = new FakeDevice();

  before(async () => {
    [fresh, vault] = await Promise.all([freshStore('sqlite'), testVault()]);
    world = await rotationWorld(fresh.store, vault);
    metrics = new OstiaryMetrics({ store: fresh.store, processMetrics: false });
    runner = new RotationRunner({ store: fresh.store, vault, outcomes: metrics.rotations });
  });
  after(async () => fresh?.cleanup());

  async function account(username: string, extra: Parameters<RotationWorld['credential']>[2] = {}) {
    const password = `Old-${username}-${Math.random().toString(36).slice(2)}`;
    device.passwords.set(username, password);
    return world.credential(username, password, extra);
  }

  async function counts(): Promise<Record<string, number>> {
    const { values } = await metrics.rotations.get();
    return Object.fromEntries(values.map((value) => [String(value.labels.outcome), value.value]));
  }

  it('counts succeeded, failed, out_of_sync and reconciled once each', async () => {
    const ok = await account('ok');
    await world.service.rotate(ok.id, { requester: 'test' });
    assert.equal((await driveNext(fresh.store, vault, device, { runner }))?.ending.kind, 'succeeded');
    assert.deepEqual(await counts(), { succeeded: 1 });

    const refused = await account('refused');
    device.behaviour = 'refuse';
    await world.service.rotate(refused.id, { requester: 'test' });
    await driveNext(fresh.store, vault, device, { runner });
    device.behaviour = 'normal';
    assert.deepEqual(await counts(), { succeeded: 1, failed: 1 });

    const admin = await account('admin', { rotate: false });
    const drifted = await account('drifted', { reconcileCredentialId: admin.id });
    device.passwords.set('drifted', 'changed-behind-our-back');
    await world.service.rotate(drifted.id, { requester: 'test' });
    await driveNext(fresh.store, vault, device, { runner });
    assert.deepEqual(await counts(), { succeeded: 1, failed: 1, out_of_sync: 1 });
    assert.equal((await driveNext(fresh.store, vault, device, { runner }))?.ending.kind, 'succeeded', 'the scheduled reconcile runs');
    assert.deepEqual(await counts(), { succeeded: 1, failed: 1, out_of_sync: 1, reconciled: 1 });
    assert.match(await metrics.text(), /ostiary_rotations_total\{outcome="reconciled"\} 1/);
  });
});
