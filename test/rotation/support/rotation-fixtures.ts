import type { Credential, Device } from '../../../src/domain/index.js';
import { RotationConfiguration, RotationService } from '../../../src/rotation/index.js';
import type { RotationOperationSettings } from '../../../src/rotation/index.js';
import { DEFAULT_TIMEOUTS } from '../../../src/domain/index.js';
import type { Store } from '../../../src/store/store.js';
import type { Vault } from '../../../src/vault/vault.js';

/** Rotation operations retry at once in tests (the driver runs them in a loop). */
export const TEST_OPERATIONS: RotationOperationSettings = Object.freeze({
  retryPolicy: { maxAttempts: 3, intervalMs: 1, backoff: 1, maxIntervalMs: 1, intervalAfterExhaustionMs: null, hardLimit: 3 },
  timeouts: DEFAULT_TIMEOUTS,
});

export interface RotationWorld {
  readonly device: Device;
  readonly changeTemplateId: string;
  readonly reconcileTemplateId: string;
  readonly configuration: RotationConfiguration;
  readonly service: RotationService;
  /** Registers a credential with `password`, configured to rotate with the fake executor. */
  credential(username: string, password: string, extra?: { parentId?: string; reconcileCredentialId?: string; policy?: unknown; rotate?: boolean }): Promise<Credential>;
  /** The stored current password. */
  currentPassword(credential: Credential): Promise<string>;
}

/** A device and templates for the `fake` executor, and helpers to register credentials on it. */
export async function rotationWorld(store: Store, vault: Vault, executor = 'fake', operations = TEST_OPERATIONS): Promise<RotationWorld> {
  const suffix = Math.random().toString(36).slice(2, 8);
  const device = await store.devices.create({ name: `fake-${suffix}`, address: '127.0.0.1', port: 1, type: 'linux', vendor: 'debian' });
  const change = await store.templates.create({ name: `change-${suffix}`, type: 'password_change', executor, source: 'change [#USERNAME#]\n', author: 'test' });
  const reconcile = await store.templates.create({ name: `reconcile-${suffix}`, type: 'reconcile', executor, source: 'reconcile [#USERNAME#]\n', author: 'test' });
  const configuration = new RotationConfiguration(store);
  return {
    device,
    changeTemplateId: change.template.id,
    reconcileTemplateId: reconcile.template.id,
    configuration,
    service: new RotationService({ store, operations }),
    async credential(username, password, extra = {}) {
      const credential = await store.credentials.create({
        deviceId: device.id, username, secret: vault.seal(password),
        parentId: extra.parentId ?? null, reconcileCredentialId: extra.reconcileCredentialId ?? null,
      });
      if (extra.rotate !== false) {
        await configuration.configure(credential.id, { changeTemplateId: change.template.id, reconcileTemplateId: reconcile.template.id, policy: extra.policy ?? {} });
      }
      return credential;
    },
    async currentPassword(credential) {
      const current = await store.secrets.current(credential.secretId);
      if (!current) throw new Error('no current secret');
      return vault.open(current);
    },
  };
}
