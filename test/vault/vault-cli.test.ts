import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openStore } from '../../src/store/open-store.js';
import { openVault, vaultStatus } from '../../src/vault/index.js';
import { keyFiles, keyMaterial } from './rekey-fixtures.js';
import { assertNoLeak, randomKey, tempDir } from './vault-fixtures.js';

const BIN = fileURLToPath(new URL('../../bin/ostiary.js', import.meta.url));

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real `ostiary` binary with only the OSTIARY_* variables given here. */
function ostiary(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OSTIARY_')));
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('ostiary vault (command line, SQLite)', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let dataDir: string;
  let where: string[];
  const plaintexts = ['cli-secret-one', 'cli-secret-two', 'cli-secret-three'];
  let firstKeyId: string;

  before(async () => {
    dir = await tempDir('ostiary-vault-cli-');
    dataDir = join(dir.path, 'data');
    where = ['--data-dir', dataDir, '--db', join(dataDir, 'ostiary.db')];
    const vault = await openVault({ dataDir, masterKey: null });
    firstKeyId = vault.keyId;
    const store = await openStore({ url: join(dataDir, 'ostiary.db') });
    try {
      for (const value of plaintexts) await store.secrets.create(vault.seal(value));
    } finally {
      await store.close();
    }
  });
  after(() => dir.cleanup());

  async function assertQuiet(run: Run): Promise<void> {
    assertNoLeak(run.stdout + run.stderr, [...(await keyMaterial(dataDir)), ...plaintexts], 'the command output');
  }

  it('status shows the key source, key ids and counts, and no key material', async () => {
    const run = await ostiary(['vault', 'status', ...where]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /key source: file/);
    assert.match(run.stdout, new RegExp(`current key id: ${firstKeyId}`));
    assert.match(run.stdout, new RegExp(`${firstKeyId}\\s+3`));
    await assertQuiet(run);
  });

  it('rekey rewraps, says what to do next, and status --json then shows every value under the new key', async () => {
    const run = await ostiary(['vault', 'rekey', ...where]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`rewrapped 3 data keys from key id ${firstKeyId} to key id [0-9a-f]{32}`));
    assert.match(run.stdout, /restart every Ostiary process/);
    assert.match(run.stdout, /ostiary vault discard-old-key/);
    await assertQuiet(run);
    const status = await ostiary(['vault', 'status', '--json', ...where]);
    const parsed = JSON.parse(status.stdout) as { currentKeyId: string; usage: unknown[] };
    assert.notEqual(parsed.currentKeyId, firstKeyId);
    assert.deepEqual(parsed.usage, [{ keyId: parsed.currentKeyId, values: 3, held: true }]);
    await assertQuiet(status);
  });

  it('discard-old-key removes vault.key.old once nothing needs it', async () => {
    const run = await ostiary(['vault', 'discard-old-key', ...where]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`discarded vault.key.old \\(key id ${firstKeyId}\\)`));
    assert.deepEqual(await keyFiles(dataDir), { 'vault.key': 0o600 });
  });

  it('with OSTIARY_MASTER_KEY, rekey takes OSTIARY_NEW_MASTER_KEY and prints the next steps, never a key', async () => {
    const current = (await readFile(join(dataDir, 'vault.key'), 'utf8')).trim();
    const next = randomKey();
    const run = await ostiary(['vault', 'rekey', ...where], { OSTIARY_MASTER_KEY: current, OSTIARY_NEW_MASTER_KEY: next.base64 });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /set OSTIARY_MASTER_KEY to the new key \(the one from OSTIARY_NEW_MASTER_KEY, key id [0-9a-f]{32}\)/);
    assertNoLeak(run.stdout + run.stderr, [current, next.base64, next.hex, ...plaintexts], 'the rekey output');
    const store = await openStore({ url: join(dataDir, 'ostiary.db'), migrate: false });
    try {
      const status = await vaultStatus({ dataDir, masterKey: next.hex, secrets: store.secrets });
      assert.deepEqual(status.usage.map((row) => [row.values, row.held]), [[3, true]]);
    } finally {
      await store.close();
    }
  });

  it('fails with OST_VAULT_KEY, exit 1 and no echo for a bad OSTIARY_MASTER_KEY or a readable key file', async () => {
    const bad = await ostiary(['vault', 'status', ...where], { OSTIARY_MASTER_KEY: 'my-wrong-master-key' });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^OST_VAULT_KEY: OSTIARY_MASTER_KEY must hold a 32-byte key/);
    assert.ok(!bad.stderr.includes('my-wrong-master-key'));
    await chmod(join(dataDir, 'vault.key'), 0o640);
    const loose = await ostiary(['vault', 'status', ...where]);
    assert.equal(loose.code, 1);
    assert.ok(loose.stderr.includes(`chmod 600 ${join(dataDir, 'vault.key')}`), loose.stderr);
    await assertQuiet(loose);
  });
});
