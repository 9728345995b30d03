import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Engine } from '../../src/engine/index.js';
import { PostgresExecutor } from '../../src/executors/postgres/postgres-executor.js';
import { RotationConfiguration, RotationRunner, RotationService } from '../../src/rotation/index.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { openVault } from '../../src/vault/index.js';
import type { Vault } from '../../src/vault/index.js';
import type { BenchRole } from './role-set.js';
import { inLanes } from './role-set.js';

export interface OstiaryRun {
  /** Requests (`RotationService.rotate`) for every role, in ms. */
  readonly requestMs: number;
  /** From engine start until every rotation operation succeeded, in ms. */
  readonly runMs: number;
  readonly failed: number;
}

export interface OstiaryWorld {
  readonly store: Store;
  readonly vault: Vault;
  readonly credentialIds: readonly string[];
  close(): Promise<void>;
}

/** A SQLite store (the default `ostiary start`) with a device, the change template and one configured credential per role. */
export async function ostiaryWorld(host: string, port: number, roles: readonly BenchRole[], storeUrl: string | null): Promise<OstiaryWorld> {
  const dir = await mkdtemp(join(tmpdir(), 'ostiary-bench-rotation-'));
  const store = await openStore({ url: storeUrl ?? join(dir, 'data', 'ostiary.db') });
  const vault = await openVault({ dataDir: join(dir, 'data'), masterKey: null });
  const device = await store.devices.create({ name: 'bench-pg', address: host, port });
  const { template } = await store.templates.create({ name: 'bench-change', type: 'password_change', executor: 'postgres', source: "ALTER ROLE [#USERNAME#] WITH PASSWORD '[#NEW_PASSWORD#]'", author: 'bench' });
  const configuration = new RotationConfiguration(store);
  const credentialIds: string[] = [];
  await inLanes(roles, 8, async (role) => {
    const credential = await store.credentials.create({ deviceId: device.id, username: role.name, secret: vault.seal(role.password) });
    await configuration.configure(credential.id, { changeTemplateId: template.id });
    credentialIds.push(credential.id);
  });
  return { store, vault, credentialIds, close: async () => (await store.close(), await rm(dir, { recursive: true, force: true })) };
}

/**
 * Ostiary's full path for every credential: the request (lock row and operation), then the
 * engine claims each operation and rotation runs intent (pending sealed and committed) →
 * apply (the change template, logged in as the role) → verify (a login with the new password)
 * → commit, each step its own store transaction, transcripts stored, leases kept.
 */
export async function ostiaryRotations(world: OstiaryWorld, credentialIds: readonly string[], lanes: number): Promise<OstiaryRun> {
  const { store, vault } = world;
  const service = new RotationService({ store });
  const before = await finished(store);
  const requestStarted = performance.now();
  await inLanes(credentialIds, lanes, async (id) => void (await service.rotate(id, { requester: 'bench' })));
  const requestMs = performance.now() - requestStarted;
  const engine = new Engine({ store, vault, executors: [new PostgresExecutor()], operationRunners: [new RotationRunner({ store, vault })], concurrency: lanes, perDeviceLimit: lanes });
  const runStarted = performance.now();
  await engine.start();
  for (;;) {
    const now = await finished(store);
    if (now.done - before.done >= credentialIds.length) {
      const runMs = performance.now() - runStarted;
      await engine.stop({ drainMs: 1_000 });
      return { requestMs, runMs, failed: now.failed - before.failed };
    }
    await sleep(20);
  }
}

/** Checks that the stored password of every `step`-th credential logs in; returns [checked, logged in]. */
export async function checkStoredPasswords(world: OstiaryWorld, step: number, logsIn: (username: string, password: string) => Promise<boolean>): Promise<[number, number]> {
  const sample = world.credentialIds.filter((_, index) => index % step === 0);
  let ok = 0;
  for (const id of sample) {
    const credential = (await world.store.credentials.get(id))!;
    if (await logsIn(credential.username, world.vault.open((await world.store.secrets.current(credential.secretId))!))) ok += 1;
  }
  return [sample.length, ok];
}

async function finished(store: Store): Promise<{ done: number; failed: number }> {
  const { byStatus } = await store.operations.stats();
  return { done: (byStatus.succeeded ?? 0) + (byStatus.failed ?? 0), failed: byStatus.failed ?? 0 };
}
