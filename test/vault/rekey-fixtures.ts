import assert from 'node:assert/strict';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { SecretVersion } from '../../src/domain/index.js';
import type { Store } from '../../src/store/store.js';
import { openVault, type Vault } from '../../src/vault/index.js';
import { freshStore, type Dialect } from '../support/stores.js';
import { tempDir } from './vault-fixtures.js';

/** A store with sealed secrets in several versions and states, and the plaintext of each version. */
export interface RekeyScenario {
  readonly store: Store;
  readonly url: string;
  readonly dataDir: string;
  /** `secretId#version` → plaintext. */
  readonly values: Map<string, string>;
  cleanup(): Promise<void>;
}

export const SAMPLE_VALUES = ['', 'hunter2', 'pässwörd 🔑 密码', 'x'.repeat(5000), "quote'and\"back\\slash", '-----BEGIN KEY-----\nAAAA\n-----END KEY-----\n'];

export function versionKey(secretId: string, version: number): string {
  return `${secretId}#${version}`;
}

/** Seals the sample values under the vault the data directory (or `masterKey`) gives. */
export async function rekeyScenario(dialect: Dialect, masterKey: string | null = null): Promise<RekeyScenario> {
  const fresh = await freshStore(dialect);
  const dir = await tempDir('ostiary-rekey-');
  const scenario = { store: fresh.store, url: fresh.url, dataDir: join(dir.path, 'data'), values: new Map<string, string>(), cleanup: async () => {
    await fresh.cleanup();
    await dir.cleanup();
  } };
  try {
    const vault = await openVault({ dataDir: scenario.dataDir, masterKey });
    for (const [index, value] of SAMPLE_VALUES.entries()) {
      await addSecret(scenario, vault, value, index);
    }
    return scenario;
  } catch (error) {
    await scenario.cleanup();
    throw error;
  }
}

/** A secret with `value` as version 1, and for some indexes more versions (pending, replaced). */
async function addSecret(scenario: RekeyScenario, vault: Vault, value: string, index: number): Promise<void> {
  const id = await scenario.store.secrets.create(vault.seal(value));
  scenario.values.set(versionKey(id, 1), value);
  if (index % 2 === 0) {
    await scenario.store.secrets.replaceCurrent(id, vault.seal(`${value}/v2`));
    scenario.values.set(versionKey(id, 2), `${value}/v2`);
  }
  if (index % 3 === 0) {
    const pending = await scenario.store.secrets.addPending(id, vault.seal(`${value}/pending`), null);
    scenario.values.set(versionKey(id, pending.version), `${value}/pending`);
  }
}

/** Adds one more secret (e.g. sealed by a process still running on an old key). */
export async function addValue(scenario: RekeyScenario, vault: Vault, value: string): Promise<void> {
  const id = await scenario.store.secrets.create(vault.seal(value));
  scenario.values.set(versionKey(id, 1), value);
}

/** Every stored version, by `secretId#version`. */
export async function allVersions(scenario: RekeyScenario): Promise<Map<string, SecretVersion>> {
  const ids = new Set((await scenario.store.secrets.listWrappedKeys()).map((row) => row.secretId));
  const versions = new Map<string, SecretVersion>();
  for (const id of ids) {
    for (const version of await scenario.store.secrets.history(id)) versions.set(versionKey(id, version.version), version);
  }
  return versions;
}

/** Every stored version opens with `vault` to the plaintext it was sealed from. */
export async function assertAllOpen(scenario: RekeyScenario, vault: Vault): Promise<void> {
  const versions = await allVersions(scenario);
  assert.equal(versions.size, scenario.values.size);
  for (const [key, version] of versions) assert.equal(vault.open(version), scenario.values.get(key), key);
}

/** The key files in the data directory and their modes, e.g. `{ 'vault.key': 0o600 }`. */
export async function keyFiles(dataDir: string): Promise<Record<string, number>> {
  const files: Record<string, number> = {};
  for (const name of (await readdir(dataDir)).filter((entry) => entry.includes('vault.key')).sort()) {
    files[name] = (await stat(join(dataDir, name))).mode & 0o777;
  }
  return files;
}

/** The vault that holds only the key in `file` (as if started with OSTIARY_MASTER_KEY set to it). */
export async function vaultOfKeyFile(dataDir: string, file: string): Promise<Vault> {
  return openVault({ dataDir, masterKey: await readFile(join(dataDir, file), 'utf8') });
}

/** The contents of every key file, for leak checks. */
export async function keyMaterial(dataDir: string): Promise<string[]> {
  const names = (await readdir(dataDir)).filter((entry) => entry.includes('vault.key'));
  return Promise.all(names.map(async (name) => (await readFile(join(dataDir, name), 'utf8')).trim()));
}
