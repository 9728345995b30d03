import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { discardPreviousKey, openVault, rekey, vaultStatus, type Vault } from '../../src/vault/index.js';
import { dialects, dialectSkip, type Dialect } from '../support/stores.js';
import {
  addValue,
  allVersions,
  assertAllOpen,
  keyFiles,
  keyMaterial,
  rekeyScenario,
  vaultOfKeyFile,
  type RekeyScenario,
} from './rekey-fixtures.js';
import { assertNoLeak, expectOstiaryError, randomKey } from './vault-fixtures.js';

const CRASH_CHILD = fileURLToPath(new URL('./rekey-crash-child.ts', import.meta.url));

async function withScenario(dialect: Dialect, masterKey: string | null, fn: (scenario: RekeyScenario) => Promise<void>): Promise<void> {
  const scenario = await rekeyScenario(dialect, masterKey);
  try {
    await fn(scenario);
  } finally {
    await scenario.cleanup();
  }
}

function fileRekey(scenario: RekeyScenario, extra: Partial<Parameters<typeof rekey>[0]> = {}): ReturnType<typeof rekey> {
  return rekey({ dataDir: scenario.dataDir, masterKey: null, secrets: scenario.store.secrets, ...extra });
}

async function fileVault(scenario: RekeyScenario): Promise<Vault> {
  return openVault({ dataDir: scenario.dataDir, masterKey: null });
}

async function wrappedKeysById(scenario: RekeyScenario): Promise<Map<string, string>> {
  const rows = await scenario.store.secrets.listWrappedKeys();
  return new Map(rows.map((row) => [`${row.secretId}#${row.version}`, `${row.masterKeyId}:${row.wrappedKey.toString('hex')}`]));
}

async function assertNoneOpen(scenario: RekeyScenario, vault: Vault): Promise<void> {
  for (const version of (await allVersions(scenario)).values()) {
    await expectOstiaryError(() => vault.open(version), 'OST_VAULT_TAMPERED');
    await expectOstiaryError(() => vault.open({ ...version, masterKeyId: vault.keyId }), 'OST_VAULT_TAMPERED');
  }
}

/** Runs rekey in a child process that SIGKILLs itself right after `step`. */
function crashRekeyAfter(scenario: RekeyScenario, step: string): Promise<{ signal: string | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CRASH_CHILD, scenario.url, scenario.dataDir, step], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (_code, signal) => resolve({ signal, output }));
  });
}

for (const dialect of dialects) {
  describe(`vault rekey on ${dialect}`, { skip: await dialectSkip(dialect) }, () => {
    it('rewraps every data key, leaves every ciphertext as it was, and the old key opens nothing', async () => {
      await withScenario(dialect, null, async (scenario) => {
        const before = await allVersions(scenario);
        const oldKeyId = (await fileVault(scenario)).keyId;
        const result = await fileRekey(scenario);
        assert.deepEqual(
          { rewrapped: result.rewrapped, already: result.alreadyUnderNewKey, resumed: result.resumed, previous: result.previousKeyId, from: result.fromKeyIds },
          { rewrapped: scenario.values.size, already: 0, resumed: false, previous: oldKeyId, from: [oldKeyId] },
        );
        const after = await allVersions(scenario);
        assert.equal(after.size, before.size);
        for (const [key, version] of after) {
          const old = before.get(key);
          assert.ok(old);
          assert.deepEqual(version.ciphertext, old.ciphertext, `${key}: ciphertext unchanged`);
          assert.notDeepEqual(version.wrappedKey, old.wrappedKey, `${key}: wrapped key changed`);
          assert.equal(version.masterKeyId, result.newKeyId);
          assert.deepEqual([version.state, version.version, version.operationId], [old.state, old.version, old.operationId]);
        }
        const restarted = await fileVault(scenario);
        assert.equal(restarted.keyId, result.newKeyId);
        await assertAllOpen(scenario, restarted);
        await assertAllOpen(scenario, await vaultOfKeyFile(scenario.dataDir, 'vault.key'));
        const oldOnly = await vaultOfKeyFile(scenario.dataDir, 'vault.key.old');
        assert.equal(oldOnly.keyId, oldKeyId);
        await assertNoneOpen(scenario, oldOnly);
        assert.deepEqual(await keyFiles(scenario.dataDir), { 'vault.key': 0o600, 'vault.key.old': 0o600 });
        const status = await vaultStatus({ dataDir: scenario.dataDir, masterKey: null, secrets: scenario.store.secrets });
        assert.deepEqual(status.usage, [{ keyId: result.newKeyId, values: scenario.values.size, held: true }]);
        assert.deepEqual(status.keys.map((key) => [key.id, key.role]), [[result.newKeyId, 'current'], [oldKeyId, 'previous']]);
        assertNoLeak(JSON.stringify(status), await keyMaterial(scenario.dataDir), 'vault status');
      });
    });

    it('loses nothing when it stops after writing vault.key.new, before the rewrap, and finishes when run again', async () => {
      await withScenario(dialect, null, async (scenario) => {
        const before = await wrappedKeysById(scenario);
        const crash = new Error('simulated crash');
        await assert.rejects(fileRekey(scenario, { afterStep: (step) => { if (step === 'target-key-written') throw crash; } }), crash);
        assert.deepEqual(await keyFiles(scenario.dataDir), { 'vault.key': 0o600, 'vault.key.new': 0o600 });
        assert.deepEqual(await wrappedKeysById(scenario), before, 'no row changed');
        await assertAllOpen(scenario, await fileVault(scenario));
        const status = await vaultStatus({ dataDir: scenario.dataDir, masterKey: null, secrets: scenario.store.secrets });
        assert.equal(status.interruptedRekey, true);
        const pendingId = (await vaultOfKeyFile(scenario.dataDir, 'vault.key.new')).keyId;
        const result = await fileRekey(scenario);
        assert.equal(result.resumed, true);
        assert.equal(result.newKeyId, pendingId, 'the leftover vault.key.new is the target, never replaced');
        assert.equal(result.rewrapped, scenario.values.size);
        await assertAllOpen(scenario, await vaultOfKeyFile(scenario.dataDir, 'vault.key'));
        assert.deepEqual(await keyFiles(scenario.dataDir), { 'vault.key': 0o600, 'vault.key.old': 0o600 });
      });
    });

    it('loses nothing when the process is killed after the rewrap committed, before the rename', async () => {
      await withScenario(dialect, null, async (scenario) => {
        const oldKeyId = (await fileVault(scenario)).keyId;
        const { signal, output } = await crashRekeyAfter(scenario, 'rewrapped');
        assert.equal(signal, 'SIGKILL', output);
        assertNoLeak(output, await keyMaterial(scenario.dataDir), 'the crashed process output');
        assert.deepEqual(await keyFiles(scenario.dataDir), { 'vault.key': 0o600, 'vault.key.new': 0o600 });
        const pendingId = (await vaultOfKeyFile(scenario.dataDir, 'vault.key.new')).keyId;
        assert.ok((await allVersions(scenario)).size > 0);
        for (const version of (await allVersions(scenario)).values()) assert.equal(version.masterKeyId, pendingId);
        const restarted = await fileVault(scenario);
        assert.equal(restarted.keyId, oldKeyId, 'vault.key still seals until the rekey finishes');
        await assertAllOpen(scenario, restarted);
        await addValue(scenario, restarted, 'sealed after the crash');
        const result = await fileRekey(scenario);
        assert.deepEqual([result.resumed, result.newKeyId, result.rewrapped, result.alreadyUnderNewKey], [true, pendingId, 1, scenario.values.size - 1]);
        await assertAllOpen(scenario, await vaultOfKeyFile(scenario.dataDir, 'vault.key'));
        assert.equal((await vaultOfKeyFile(scenario.dataDir, 'vault.key.old')).keyId, oldKeyId);
      });
    });

    it('is all or nothing: one value it cannot open aborts before any row changes', async () => {
      await withScenario(dialect, null, async (scenario) => {
        const foreign = await openVault({ dataDir: scenario.dataDir, masterKey: randomKey().base64 });
        await addValue(scenario, foreign, 'sealed under a key this vault never had');
        const before = await wrappedKeysById(scenario);
        const error = await expectOstiaryError(() => fileRekey(scenario), 'OST_VAULT_TAMPERED');
        assert.match(error.message, /nothing was rewrapped/);
        assert.ok(error.message.includes(foreign.keyId), error.message);
        assertNoLeak(error.message, [...(await keyMaterial(scenario.dataDir)), 'sealed under a key'], 'the rekey error');
        assert.deepEqual(await wrappedKeysById(scenario), before);
        const status = await vaultStatus({ dataDir: scenario.dataDir, masterKey: null, secrets: scenario.store.secrets });
        assert.deepEqual(status.usage.find((row) => row.keyId === foreign.keyId), { keyId: foreign.keyId, values: 1, held: false });
        const vault = await fileVault(scenario);
        for (const [key, version] of await allVersions(scenario)) {
          if (version.masterKeyId !== foreign.keyId) assert.equal(vault.open(version), scenario.values.get(key));
        }
      });
    });

    it('keeps vault.key.old while a value sealed by a stale process needs it, and finishes when run again', async () => {
      await withScenario(dialect, null, async (scenario) => {
        await fileRekey(scenario);
        const stale = await vaultOfKeyFile(scenario.dataDir, 'vault.key.old');
        await addValue(scenario, stale, 'sealed by a process that was never restarted');
        const refused = await expectOstiaryError(() => discardPreviousKey({ dataDir: scenario.dataDir, masterKey: null, secrets: scenario.store.secrets }), 'OST_VAULT_KEY');
        assert.match(refused.message, /1 stored values are still wrapped/);
        const error = await expectOstiaryError(
          () => fileRekey(scenario, { afterStep: async (step) => { if (step === 'rewrapped') await addValue(scenario, stale, 'sealed during the rekey'); } }),
          'OST_VAULT_KEY',
        );
        assert.match(error.message, /restart every Ostiary process/);
        assert.deepEqual(Object.keys(await keyFiles(scenario.dataDir)), ['vault.key', 'vault.key.new', 'vault.key.old']);
        await assertAllOpen(scenario, await fileVault(scenario));
        const finished = await fileRekey(scenario);
        assert.deepEqual([finished.resumed, finished.rewrapped, finished.fromKeyIds], [true, 1, [stale.keyId]]);
        const discarded = await discardPreviousKey({ dataDir: scenario.dataDir, masterKey: null, secrets: scenario.store.secrets });
        assert.equal(discarded, finished.previousKeyId);
        assert.deepEqual(await keyFiles(scenario.dataDir), { 'vault.key': 0o600 });
        await assertAllOpen(scenario, await vaultOfKeyFile(scenario.dataDir, 'vault.key'));
      });
    });

    it('with --new-key-file: refuses a file others can read and uses a 0600 one', async () => {
      await withScenario(dialect, null, async (scenario) => {
        const key = randomKey();
        const loose = join(scenario.dataDir, '..', 'loose.key');
        await writeFile(loose, key.base64, { mode: 0o644 });
        const error = await expectOstiaryError(() => fileRekey(scenario, { newKeyFile: loose }), 'OST_VAULT_KEY');
        assert.ok(error.message.includes(`chmod 600 ${loose}`), error.message);
        assertNoLeak(error.message, [key.base64], 'the key file error');
        assert.deepEqual(Object.keys(await keyFiles(scenario.dataDir)), ['vault.key']);
        const strict = join(scenario.dataDir, '..', 'strict.key');
        await writeFile(strict, key.hex, { mode: 0o600 });
        const result = await fileRekey(scenario, { newKeyFile: strict });
        assert.equal(result.newKeyId, (await openVault({ dataDir: scenario.dataDir, masterKey: key.base64 })).keyId);
        await assertAllOpen(scenario, await openVault({ dataDir: scenario.dataDir, masterKey: key.hex }));
        const again = await expectOstiaryError(() => fileRekey(scenario, { newKeyFile: strict }), 'OST_VAULT_KEY');
        assert.match(again.message, /already holds/);
      });
    });

    it('with OSTIARY_MASTER_KEY: takes the new key from OSTIARY_NEW_MASTER_KEY, writes no file, and can be rerun', async () => {
      const a = randomKey();
      const b = randomKey();
      await withScenario(dialect, a.base64, async (scenario) => {
        const envRekey = (extra: Partial<Parameters<typeof rekey>[0]>) => rekey({ dataDir: scenario.dataDir, masterKey: a.base64, secrets: scenario.store.secrets, ...extra });
        const before = await wrappedKeysById(scenario);
        const missing = await expectOstiaryError(() => envRekey({}), 'OST_VAULT_KEY');
        assert.match(missing.message, /OSTIARY_NEW_MASTER_KEY or --new-key-file/);
        const same = await expectOstiaryError(() => envRekey({ newMasterKey: a.hex }), 'OST_VAULT_KEY');
        assertNoLeak(same.message, [a.base64, a.hex], 'the same-key error');
        const bad = await expectOstiaryError(() => envRekey({ newMasterKey: 'not-a-key-at-all' }), 'OST_VAULT_KEY');
        assert.match(bad.message, /OSTIARY_NEW_MASTER_KEY/);
        assert.ok(!bad.message.includes('not-a-key-at-all'));
        assert.deepEqual(await wrappedKeysById(scenario), before);
        const result = await envRekey({ newMasterKey: b.base64 });
        assert.deepEqual([result.source, result.rewrapped, result.resumed], ['environment', scenario.values.size, false]);
        await assertAllOpen(scenario, await openVault({ dataDir: scenario.dataDir, masterKey: b.base64 }));
        await assertNoneOpen(scenario, await openVault({ dataDir: scenario.dataDir, masterKey: a.base64 }));
        await assert.rejects(keyFiles(scenario.dataDir), { code: 'ENOENT' }, 'no key file is written with OSTIARY_MASTER_KEY');
        const stale = await openVault({ dataDir: scenario.dataDir, masterKey: a.base64 });
        await addValue(scenario, stale, 'sealed by a node still on the old key');
        const rerun = await envRekey({ newMasterKey: b.base64 });
        assert.deepEqual([rerun.rewrapped, rerun.alreadyUnderNewKey], [1, scenario.values.size - 1]);
        await assertAllOpen(scenario, await openVault({ dataDir: scenario.dataDir, masterKey: b.hex }));
      });
    });
  });
}
