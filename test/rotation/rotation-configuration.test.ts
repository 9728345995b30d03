import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { credentialRotationState, RotationConfiguration } from '../../src/rotation/index.js';
import type { Store } from '../../src/store/store.js';
import type { Vault } from '../../src/vault/index.js';
import { freshStore } from '../support/stores.js';
import type { FreshStore } from '../support/stores.js';
import { expectOstiaryError } from '../vault/vault-fixtures.js';
import { drainQueue } from './support/attempt-driver.js';
import { FakeDevice } from './support/fake-device.js';
import { rotationWorld } from './support/rotation-fixtures.js';
import type { RotationWorld } from './support/rotation-fixtures.js';
import { testVault } from './support/test-vault.js';

/** Policies and profiles at the door, profiles applied at registration, and the state an operator sees. */
describe('rotation configuration (SQLite store)', () => {
  let fresh: FreshStore;
  let store: Store;
  let vault: Vault;
  let world: RotationWorld;
  let configuration: RotationConfiguration;

  before(async () => {
    [fresh, vault] = await Promise.all([freshStore('sqlite'), testVault()]);
    store = fresh.store;
    world = await rotationWorld(store, vault);
    configuration = new RotationConfiguration(store);
  });
  after(() => fresh?.cleanup());

  async function plainCredential(username: string, deviceId = world.device.id) {
    return store.credentials.create({ deviceId, username, secret: vault.seal(`pw-${username}`) });
  }

  it('registration applies the most specific matching profile: its policy and templates', async () => {
    await configuration.createProfile({ name: 'all linux', criteria: { deviceType: 'linux' }, policy: { changeEveryDays: 90 }, changeTemplateId: world.changeTemplateId });
    const debian = await configuration.createProfile({
      name: 'debian', criteria: { deviceType: 'Linux', vendor: 'Debian', credentialKind: 'password' },
      policy: { changeEveryDays: 30, priority: 7, passwordPolicy: { length: 40 } }, executor: 'fake', changeTemplateId: world.changeTemplateId,
    });
    await assert.rejects(configuration.createProfile({ name: 'debian', policy: {} }), { code: 'OST_CONFLICT', details: { field: 'profile.name' } });
    const credential = await plainCredential('registered');
    const settings = await configuration.applyProfile(credential.id);
    assert.equal(settings?.profileId, debian.id);
    assert.equal(settings?.periodMs, 30 * 86_400_000);
    assert.equal(settings?.policy.priority, 7);
    assert.equal(settings?.changeTemplateId, world.changeTemplateId);
    assert.equal(await configuration.applyProfile(credential.id), null, 'settings already there: nothing applied again');
    const other = await store.devices.create({ name: 'switch-1', address: '127.0.0.2', port: 22, type: 'switch' });
    assert.equal(await configuration.applyProfile((await plainCredential('nobody', other.id)).id), null, 'no profile matches a switch');
  });

  it('an explicit setting wins over the profile it names', async () => {
    const profile = (await configuration.listProfiles()).find((p) => p.name === 'debian')!;
    const credential = await plainCredential('explicit');
    const settings = await configuration.configure(credential.id, { profileId: profile.id, policy: { changeEveryDays: 1 } });
    assert.equal(settings.periodMs, 86_400_000);
    assert.equal(settings.changeTemplateId, world.changeTemplateId, 'the template still comes from the profile');
  });

  it('refuses settings that cannot work, naming the field', async () => {
    const credential = await plainCredential('bad-settings');
    const wrongType = await expectOstiaryError(() => configuration.configure(credential.id, { changeTemplateId: world.reconcileTemplateId }), 'OST_VALIDATION');
    assert.equal(wrongType.details.field, 'rotation.changeTemplateId');
    const missing = await expectOstiaryError(() => configuration.configure(credential.id, { verifyTemplateId: 'nope', changeTemplateId: world.changeTemplateId }), 'OST_NOT_FOUND');
    assert.equal(missing.details.field, 'rotation.verifyTemplateId');
    const { template: sshTemplate } = await store.templates.create({ name: 'ssh-change', type: 'password_change', executor: 'ssh', source: 'end\n', author: 't' });
    const mismatch = await expectOstiaryError(() => configuration.configure(credential.id, { executor: 'fake', changeTemplateId: sshTemplate.id }), 'OST_VALIDATION');
    assert.match(mismatch.message, /ssh executor/);
    const noTemplate = await expectOstiaryError(() => configuration.configure(credential.id, {}), 'OST_VALIDATION');
    assert.equal(noTemplate.details.field, 'rotation.changeTemplateId');
    const key = await store.credentials.create({ deviceId: world.device.id, username: 'key-user', kind: 'private_key', secret: vault.seal('-----BEGIN KEY-----') });
    const keyError = await expectOstiaryError(() => configuration.configure(key.id, { changeTemplateId: world.changeTemplateId }), 'OST_VALIDATION');
    assert.equal(keyError.details.field, 'credential.kind');
    const unconfigured = await plainCredential('unconfigured');
    await expectOstiaryError(() => world.service.rotate(unconfigured.id, { requester: 'r' }), 'OST_VALIDATION');
  });

  it('the rotation state shows versions and phases, never a secret', async () => {
    const device = new FakeDevice();
    device.passwords.set('stateful', 'pw-stateful');
    const credential = await world.credential('stateful', 'pw-stateful', { policy: { changeEveryDays: 2 } });
    const before = await credentialRotationState(store, credential.id);
    assert.deepEqual([before.syncState, before.currentVersion, before.pendingVersion, before.activeRotation, before.nextDueAt], ['in_sync', 1, null, null, null]);
    const { rotation } = await world.service.rotate(credential.id, { requester: 'op' });
    assert.equal((await credentialRotationState(store, credential.id)).activeRotation?.id, rotation.id);
    await drainQueue(store, vault, device);
    const state = await credentialRotationState(store, credential.id);
    assert.equal(state.currentVersion, 2);
    assert.equal(state.lastRotation?.phase, 'committed');
    assert.equal(state.nextDueAt, (state.settings?.lastRotatedAt ?? 0) + 2 * 86_400_000);
    const text = JSON.stringify(state);
    for (const version of await store.secrets.history(credential.secretId)) assert.ok(!text.includes(vault.open(version)));
  });

  it('a child with passwordFromParent takes the parent’s new password', async () => {
    const device = new FakeDevice();
    device.passwords.set('svc-parent', 'pw-p').set('svc-child', 'pw-c');
    const parent = await world.credential('svc-parent', 'pw-p');
    const child = await world.credential('svc-child', 'pw-c', { parentId: parent.id, policy: { passwordFromParent: true } });
    await world.service.rotate(child.id, { requester: 'op' });
    await drainQueue(store, vault, device);
    await world.service.rotate(parent.id, { requester: 'op' });
    await drainQueue(store, vault, device);
    assert.equal(await world.currentPassword(child), await world.currentPassword(parent));
    assert.equal(device.passwords.get('svc-child'), await world.currentPassword(parent));
  });
});
