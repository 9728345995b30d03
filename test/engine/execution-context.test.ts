import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { NewOperation } from '../../src/domain/index.js';
import { loadExecutionInputs } from '../../src/engine/execution-context.js';
import { pendingSecretPasswords } from '../../src/engine/password-masks.js';
import type { Store } from '../../src/store/store.js';
import type { Vault } from '../../src/vault/vault.js';
import { dialectSkip, dialects, freshStore, type FreshStore } from '../support/stores.js';
import { localOperation, tempVault } from './engine-harness.js';

for (const dialect of dialects) {
  describe(`execution context (${dialect})`, { skip: await dialectSkip(dialect) }, () => {
    let fresh: FreshStore;
    let store: Store;
    let vault: Vault;
    let cleanupVault: () => Promise<void>;
    let base: NewOperation;
    let credentialSecretId: string;

    before(async () => {
      fresh = await freshStore(dialect);
      store = fresh.store;
      ({ vault, cleanup: cleanupVault } = await tempVault());
      const device = await store.devices.create({ name: 'ctx-host', address: '10.1.2.3', port: 2200 });
      const reconciler = await store.credentials.create({ deviceId: device.id, username: 'root', secret: vault.seal('root-secret'), domain: 'CORP' });
      const credential = await store.credentials.create({
        deviceId: device.id, username: 'app', secret: vault.seal('current-pw'), additionalInfo: 'info', domain: 'APPS',
        reconcileCredentialId: reconciler.id,
        fields: [{ name: 'api_key', value: null, secret: vault.seal('key-123') }, { name: 'USERNAME', value: 'spoofed' }],
      });
      credentialSecretId = credential.secretId;
      const { template, version } = await store.templates.create({ name: 'ctx', type: 'task', executor: 'local', source: 'true', author: 't' });
      base = { ...localOperation(template.id, version.version), deviceId: device.id, credentialId: credential.id };
    });
    after(async () => {
      await fresh?.cleanup();
      await cleanupVault?.();
    });

    const deps = () => ({ store, vault, passwordMasks: pendingSecretPasswords(store, vault) });
    const submit = (overrides: Partial<NewOperation>) => store.operations.submit({ ...base, ...overrides });

    it('builds the built-in masks, custom fields and task variables; built-ins win', async () => {
      const op = await submit({ variables: { service: 'backup', IP: 'not-the-device' } });
      const inputs = await loadExecutionInputs(deps(), op);
      assert.deepEqual({ ...inputs.masks }, {
        SERVICE: 'backup', API_KEY: 'key-123',
        IP: '10.1.2.3', HOSTNAME: 'ctx-host', CONNECT_IP: '10.1.2.3', CONNECT_PORT: '2200',
        USERNAME: 'app', ADD_INFO: 'info', DOMAIN: 'APPS',
        AUTH_USER: 'app', AUTH_PASSWORD: 'current-pw', AUTH_DOMAIN: 'APPS',
      });
      assert.deepEqual(inputs.login, { username: 'app', password: 'current-pw' });
      assert.deepEqual([...inputs.secrets].sort(), ['current-pw', 'key-123']);
    });

    it('fills CURRENT_PASSWORD and NEW_PASSWORD only for password_change, from the pending secret of that operation', async () => {
      const task = await loadExecutionInputs(deps(), await submit({}));
      assert.equal(task.masks.CURRENT_PASSWORD, undefined);
      assert.equal(task.masks.NEW_PASSWORD, undefined);

      const change = await submit({ type: 'password_change' });
      const before = await loadExecutionInputs(deps(), change);
      assert.equal(before.masks.CURRENT_PASSWORD, 'current-pw');
      assert.equal(before.masks.NEW_PASSWORD, undefined, 'no pending secret yet');

      await store.secrets.addPending(credentialSecretId, vault.seal('next-pw'), change.id);
      const withPending = await loadExecutionInputs(deps(), change);
      assert.equal(withPending.masks.NEW_PASSWORD, 'next-pw');
      assert.ok(withPending.secrets.includes('next-pw'));

      const other = await loadExecutionInputs(deps(), await submit({ type: 'password_change' }));
      assert.equal(other.masks.NEW_PASSWORD, undefined, "another operation's pending secret is never handed out");
      await store.secrets.discardPending(credentialSecretId);
    });

    it('logs a reconcile operation in with the reconciliation credential', async () => {
      const inputs = await loadExecutionInputs(deps(), await submit({ type: 'reconcile' }));
      assert.equal(inputs.masks.USERNAME, 'app');
      assert.equal(inputs.masks.AUTH_USER, 'root');
      assert.equal(inputs.masks.AUTH_PASSWORD, 'root-secret');
      assert.equal(inputs.masks.AUTH_DOMAIN, 'CORP');
      assert.deepEqual(inputs.login, { username: 'root', password: 'root-secret' });
    });

    it('reports a missing template version as OST_NOT_FOUND naming the field', async () => {
      const op = await submit({ templateVersion: 99 });
      await assert.rejects(loadExecutionInputs(deps(), op), (error: { code?: string; details?: { field?: string } }) => {
        assert.equal(error.code, 'OST_NOT_FOUND');
        assert.equal(error.details?.field, 'operation.templateVersion');
        return true;
      });
    });
  });
}
