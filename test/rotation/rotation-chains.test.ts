import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Credential } from '../../src/domain/index.js';
import { PostgresExecutor } from '../../src/executors/postgres/postgres-executor.js';
import { RotationConfiguration } from '../../src/rotation/index.js';
import type { Store } from '../../src/store/store.js';
import type { Vault } from '../../src/vault/index.js';
import { assertNoSecret } from '../support/executor-context.js';
import { scramPostgresSkip, startScramPostgres } from '../support/postgres-scram.js';
import type { ScramPostgres } from '../support/postgres-scram.js';
import { freshStore } from '../support/stores.js';
import type { FreshStore } from '../support/stores.js';
import { startRotationEngine } from './support/rotation-engine.js';
import type { RotationEngine } from './support/rotation-engine.js';
import { POSTGRES_CHANGE_OWN_PASSWORD } from './support/templates.js';
import { storedTexts, testVault } from './support/test-vault.js';

/**
 * Parent → children chains and reconcile on real PostgreSQL roles (an instance that checks
 * passwords), run by a real engine with rotation plugged in.
 */
describe('rotation chains and reconcile (PostgreSQL roles)', { skip: await scramPostgresSkip() }, () => {
  let pg: ScramPostgres;
  let fresh: FreshStore;
  let store: Store;
  let vault: Vault;
  let rotation: RotationEngine;
  let configuration: RotationConfiguration;
  let deviceId: string;

  before(async () => {
    [pg, fresh, vault] = await Promise.all([startScramPostgres(), freshStore('sqlite'), testVault()]);
    store = fresh.store;
    configuration = new RotationConfiguration(store);
    deviceId = (await store.devices.create({ name: 'pg-chains', address: pg.host, port: pg.port, type: 'database', vendor: 'postgresql' })).id;
    rotation = await startRotationEngine(store, vault, [new PostgresExecutor()]);
  });
  after(async () => {
    await rotation?.stop();
    await fresh?.cleanup();
    await pg?.stop();
  });

  async function template(name: string, type: 'password_change' | 'reconcile', source: string): Promise<string> {
    return (await store.templates.create({ name: `${name}-${randomBytes(3).toString('hex')}`, type, executor: 'postgres', source, author: 'test' })).template.id;
  }

  /** A login role on the instance and its credential, configured to rotate with `changeTemplateId`. */
  async function role(name: string, changeTemplateId: string, extra: { parentId?: string; reconcileCredentialId?: string; reconcileTemplateId?: string } = {}): Promise<Credential> {
    const password = `Init-${name}-${randomBytes(8).toString('base64url')}`;
    await pg.createRole(name, password);
    const credential = await store.credentials.create({ deviceId, username: name, secret: vault.seal(password), parentId: extra.parentId ?? null, reconcileCredentialId: extra.reconcileCredentialId ?? null });
    await configuration.configure(credential.id, { changeTemplateId, reconcileTemplateId: extra.reconcileTemplateId ?? null });
    return credential;
  }

  const stored = async (credential: Credential) => vault.open((await store.secrets.current(credential.secretId))!);

  it('a parent with 3 children, one failing: the parent and two children change, the third fails, nothing else changes', async () => {
    const change = await template('self-change', 'password_change', POSTGRES_CHANGE_OWN_PASSWORD);
    const breaking = await template('child3-change', 'password_change', POSTGRES_CHANGE_OWN_PASSWORD);
    const parent = await role('chain_parent', change);
    const children = [await role('chain_c1', change, { parentId: parent.id }), await role('chain_c2', change, { parentId: parent.id }), await role('chain_c3', breaking, { parentId: parent.id })];
    // The first change of every credential is manual.
    for (const child of children) assert.equal((await rotation.rotate(child.id)).status, 'succeeded');
    // Then the third child's template breaks: the server refuses the statement.
    await store.templates.saveVersion(breaking, `${POSTGRES_CHANGE_OWN_PASSWORD} VALID UNTIL 'not a date'`, 'test');
    const before = new Map(await Promise.all([parent, ...children].map(async (c) => [c.username, await stored(c)] as const)));

    const parentOperation = await rotation.rotate(parent.id);
    assert.equal(parentOperation.status, 'succeeded');
    const childOperations = (await store.operations.list({}, { limit: 1000 })).items.filter((op) => op.parentId === parentOperation.id);
    assert.equal(childOperations.length, 3, 'one operation per child');
    const results = new Map<string, string>();
    for (const op of childOperations) results.set(op.credentialId ?? '', (await rotation.settled(op.id)).status);
    assert.deepEqual(children.map((child) => results.get(child.id)), ['succeeded', 'succeeded', 'failed']);
    assert.equal(childOperations.find((op) => op.credentialId === children[2]!.id)?.templateId, breaking, "each child runs with its own template");

    for (const credential of [parent, ...children]) {
      const now = await stored(credential);
      const changed = credential.username !== 'chain_c3';
      assert.equal(now !== before.get(credential.username), changed, `${credential.username} ${changed ? 'changed' : 'kept its password'}`);
      assert.equal(await pg.canLogin(credential.username, now), true, `${credential.username}: the stored password logs in`);
      if (changed) assert.equal(await pg.canLogin(credential.username, before.get(credential.username)!), false, `${credential.username}: the old one does not`);
      assert.equal((await store.credentials.get(credential.id))?.syncState, 'in_sync');
    }
    assert.equal((await store.operations.get(parentOperation.id))?.status, 'succeeded', "a child's failure leaves the parent's result alone");
    const failed = (await store.outbox.read(0, 10_000)).filter((event) => event.type === 'credential.rotation_failed');
    assert.deepEqual(failed.map((event) => event.subjectId), [children[2]!.id]);
  });

  it('out of sync: neither password logs in, then the reconcile with the reconciliation credential brings it back', async () => {
    const admin = `rec_admin_${randomBytes(3).toString('hex')}`;
    const adminPassword = `Admin-${randomBytes(9).toString('base64url')}`;
    await pg.admin(`CREATE ROLE ${admin} LOGIN CREATEROLE PASSWORD '${adminPassword}'`);
    const adminCredential = await store.credentials.create({ deviceId, username: admin, secret: vault.seal(adminPassword) });
    const change = await template('victim-change', 'password_change', POSTGRES_CHANGE_OWN_PASSWORD);
    const reconcile = await template('victim-reconcile', 'reconcile', POSTGRES_CHANGE_OWN_PASSWORD);
    const victim = await role('victim', change, { reconcileCredentialId: adminCredential.id, reconcileTemplateId: reconcile });
    const drifted = `Drift-${randomBytes(9).toString('base64url')}`;
    await pg.admin(`ALTER ROLE victim PASSWORD '${drifted}'`); // someone changed it outside Ostiary

    const failed = await rotation.rotate(victim.id);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.lastErrorCode, 'OST_OUT_OF_SYNC');
    const [outOfSync] = (await store.outbox.read(0, 10_000)).filter((event) => event.type === 'credential.out_of_sync' && event.subjectId === victim.id);
    assert.ok(outOfSync, 'credential.out_of_sync was published');
    const reconcileOperation = await rotation.settled(String(outOfSync.payload.reconcileOperationId));
    assert.equal(reconcileOperation.type, 'reconcile');
    assert.equal(reconcileOperation.status, 'succeeded');
    const now = await stored(victim);
    assert.equal(await pg.canLogin('victim', now), true, 'the reconciled password logs in');
    assert.equal(await pg.canLogin('victim', drifted), false);
    assert.equal((await store.credentials.get(victim.id))?.syncState, 'in_sync');
    const rotated = (await store.outbox.read(0, 10_000)).filter((event) => event.type === 'credential.rotated' && event.subjectId === victim.id);
    assert.deepEqual(rotated.map((event) => event.payload.kind), ['reconcile']);

    const secrets = [adminPassword, drifted];
    for (const credential of (await store.credentials.list({ limit: 1000 })).items) {
      for (const version of await store.secrets.history(credential.secretId)) secrets.push(vault.open(version));
    }
    assertNoSecret(`${await storedTexts(store)}\n${rotation.logger.lines.join('\n')}`, secrets);
  });
});
