import assert from 'node:assert/strict';
import { chmod, readdir, readFile, rename, rm, stat, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openVault } from '../../src/vault/index.js';
import { assertNoLeak, expectOstiaryError, randomKey, tempDir, writeKeyFile } from './vault-fixtures.js';

let root: Awaited<ReturnType<typeof tempDir>>;
let counter = 0;
/** A data directory path under the test's temporary root, not created yet. */
function freshDataDir(): string {
  counter += 1;
  return join(root.path, `data-${counter}`, 'nested');
}

before(async () => {
  root = await tempDir();
});
after(() => root.cleanup());

describe('master key from the key file', () => {
  it('creates the data directory 0700 and vault.key 0600 on first start, then reuses it', async () => {
    const dataDir = freshDataDir();
    const first = await openVault({ dataDir, masterKey: null });
    assert.equal((await stat(dataDir)).mode & 0o777, 0o700);
    const keyFile = join(dataDir, 'vault.key');
    assert.equal((await stat(keyFile)).mode & 0o777, 0o600);
    assert.match(await readFile(keyFile, 'utf8'), /^[A-Za-z0-9+/]{43}=\n$/);
    assert.deepEqual(await readdir(dataDir), ['vault.key'], 'no temporary file is left behind');
    const sealed = first.seal('kept across restarts');
    const second = await openVault({ dataDir, masterKey: null });
    assert.equal(second.keyId, first.keyId);
    assert.equal(second.source, 'file');
    assert.equal(second.open(sealed), 'kept across restarts');
  });

  it('gives every process that starts at once the same key', async () => {
    const dataDir = freshDataDir();
    const vaults = await Promise.all(Array.from({ length: 12 }, () => openVault({ dataDir, masterKey: null })));
    assert.equal(new Set(vaults.map((vault) => vault.keyId)).size, 1);
    assert.deepEqual(await readdir(dataDir), ['vault.key']);
  });

  for (const mode of [0o644, 0o640, 0o604, 0o660, 0o602, 0o620]) {
    it(`refuses to start when vault.key has mode 0${mode.toString(8)}, naming the path and the fix`, async () => {
      const dataDir = freshDataDir();
      await openVault({ dataDir, masterKey: null });
      const keyFile = join(dataDir, 'vault.key');
      const content = await readFile(keyFile, 'utf8');
      await chmod(keyFile, mode);
      const error = await expectOstiaryError(() => openVault({ dataDir, masterKey: null }), 'OST_VAULT_KEY');
      assert.ok(error.message.includes(keyFile), error.message);
      assert.ok(error.message.includes(`0${mode.toString(8)}`), error.message);
      assert.ok(error.message.includes(`chmod 600 ${keyFile}`), error.message);
      assertNoLeak(error.message, [content.trim()], 'the mode error');
    });
  }

  it('accepts a stricter mode (0400)', async () => {
    const dataDir = freshDataDir();
    const first = await openVault({ dataDir, masterKey: null });
    await chmod(join(dataDir, 'vault.key'), 0o400);
    assert.equal((await openVault({ dataDir, masterKey: null })).keyId, first.keyId);
  });

  it('also refuses a vault.key.old or vault.key.new that others can read', async () => {
    for (const name of ['vault.key.old', 'vault.key.new']) {
      const dataDir = freshDataDir();
      await openVault({ dataDir, masterKey: null });
      await writeKeyFile(join(dataDir, name), randomKey().base64, 0o644);
      await chmod(join(dataDir, name), 0o644);
      const error = await expectOstiaryError(() => openVault({ dataDir, masterKey: null }), 'OST_VAULT_KEY');
      assert.ok(error.message.includes(join(dataDir, name)), error.message);
    }
  });

  it('refuses a key file of the wrong size or format without echoing it', async () => {
    const contents = ['', 'not a key', randomKey().base64.slice(0, 40), Buffer.alloc(16, 7).toString('base64'), 'A'.repeat(64) + 'Z', randomKey().hex + randomKey().hex, 'k'.repeat(5000), Buffer.alloc(32).toString('base64')];
    for (const content of contents) {
      const dataDir = freshDataDir();
      await openVault({ dataDir, masterKey: null });
      const keyFile = join(dataDir, 'vault.key');
      await writeKeyFile(keyFile, content);
      const error = await expectOstiaryError(() => openVault({ dataDir, masterKey: null }), 'OST_VAULT_KEY');
      assert.ok(error.message.includes(keyFile), error.message);
      if (content.length >= 8) assertNoLeak(error.message, [content.slice(0, 8)], 'the format error');
    }
  });

  it('refuses a key file that is a symbolic link', async () => {
    const dataDir = freshDataDir();
    await openVault({ dataDir, masterKey: null });
    const elsewhere = join(root.path, `elsewhere-${counter}.key`);
    await writeKeyFile(elsewhere, randomKey().base64);
    const keyFile = join(dataDir, 'vault.key');
    await rm(keyFile);
    await symlink(elsewhere, keyFile);
    const error = await expectOstiaryError(() => openVault({ dataDir, masterKey: null }), 'OST_VAULT_KEY');
    assert.match(error.message, /symbolic link/);
  });

  it('refuses to invent a new vault.key when an old or new key file shows one existed', async () => {
    const dataDir = freshDataDir();
    await openVault({ dataDir, masterKey: null });
    await rename(join(dataDir, 'vault.key'), join(dataDir, 'vault.key.old'));
    const error = await expectOstiaryError(() => openVault({ dataDir, masterKey: null }), 'OST_VAULT_KEY');
    assert.match(error.message, /vault\.key is missing/);
    assert.deepEqual((await readdir(dataDir)).sort(), ['vault.key.old']);
  });
});

describe('master key from OSTIARY_MASTER_KEY', () => {
  it('accepts base64, URL-safe base64 and hex of the same 32 bytes as the same key', async () => {
    const key = randomKey();
    const dataDir = freshDataDir();
    const forms = [key.base64, ` ${key.base64}\n`, key.bytes.toString('base64url'), key.hex, key.hex.toUpperCase()];
    const ids = await Promise.all(forms.map(async (masterKey) => (await openVault({ dataDir, masterKey })).keyId));
    assert.equal(new Set(ids).size, 1);
  });

  it('derives a key id that differs per key and shows none of the key', async () => {
    const a = randomKey();
    const b = randomKey();
    const dataDir = freshDataDir();
    const idA = (await openVault({ dataDir, masterKey: a.base64 })).keyId;
    const idB = (await openVault({ dataDir, masterKey: b.base64 })).keyId;
    assert.notEqual(idA, idB);
    for (let i = 0; i + 8 <= a.hex.length; i += 1) assert.ok(!idA.includes(a.hex.slice(i, i + 8)));
  });

  it('refuses a malformed key, naming OSTIARY_MASTER_KEY and never echoing the value', async () => {
    const key = randomKey();
    const bad = [
      'secret-but-short',
      // Standard base64 (a '+' in it) without its '=' padding. Not `key.base64.slice(0, 43)`:
      // when a random key's base64 has no '+' or '/', that is its valid unpadded URL-safe form.
      `${key.base64.slice(0, 42)}+`,
      key.hex.slice(0, 63),
      `${key.hex}00`,
      Buffer.alloc(31, 9).toString('base64'),
      Buffer.alloc(33, 9).toString('base64'),
      `${key.base64.slice(0, 20)}!${key.base64.slice(21)}`,
      Buffer.alloc(32).toString('base64'),
      '0'.repeat(64),
      ' ',
    ];
    for (const masterKey of bad) {
      const error = await expectOstiaryError(() => openVault({ dataDir: freshDataDir(), masterKey }), 'OST_VAULT_KEY');
      assert.match(error.message, /OSTIARY_MASTER_KEY/);
      const trimmed = masterKey.trim();
      if (trimmed.length >= 6) assertNoLeak(`${error.message} ${JSON.stringify(error.details)}`, [trimmed, trimmed.slice(0, 12)], 'the key error');
    }
  });
});
