import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type { SealedSecret } from '../../src/domain/index.js';
import { openVault, type Vault } from '../../src/vault/index.js';
import { assertNoLeak, expectOstiaryError, randomKey, tempDir, writeKeyFile } from './vault-fixtures.js';

function errorText(error: Error): string {
  return `${error.message} ${JSON.stringify((error as { details?: unknown }).details)} ${String((error.cause as Error | undefined)?.message)}`;
}

function flipped(buffer: Buffer, index: number, mask: number): Buffer {
  const copy = Buffer.from(buffer);
  copy[index] = (copy[index] as number) ^ mask;
  return copy;
}

describe('vault: seal and open', () => {
  const key = randomKey();
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let vault: Vault;

  before(async () => {
    dir = await tempDir();
    vault = await openVault({ dataDir: dir.path, masterKey: key.base64 });
  });
  after(() => dir.cleanup());

  it('opens what it sealed: empty, ASCII, unicode, NUL, long', () => {
    const values = ['', 'hunter2', 'pässwörd 🔑 密码 \u0000 end', 'x'.repeat(1_000_000), 'line1\nline2\r\n'];
    for (const value of values) assert.equal(vault.open(vault.seal(value)), value);
  });

  it('seals under its current key id, in the documented layout', () => {
    const sealed = vault.seal('abc');
    assert.equal(sealed.masterKeyId, vault.keyId);
    assert.match(vault.keyId, /^[0-9a-f]{32}$/);
    assert.equal(sealed.wrappedKey.length, 1 + 12 + 16 + 32);
    assert.equal(sealed.ciphertext.length, 1 + 12 + 16 + 3);
    assert.equal(sealed.wrappedKey[0], 1);
    assert.equal(sealed.ciphertext[0], 1);
  });

  it('gives a different wrapped key and ciphertext each time, never the plaintext', () => {
    const value = 'same value, sealed twice';
    const first = vault.seal(value);
    const second = vault.seal(value);
    assert.notDeepEqual(first.wrappedKey, second.wrappedKey);
    assert.notDeepEqual(first.ciphertext, second.ciphertext);
    for (const sealed of [first, second]) {
      assert.ok(!sealed.ciphertext.includes(Buffer.from(value)));
      assert.ok(!sealed.ciphertext.includes(Buffer.from('same value')));
    }
  });

  it('detects a flip of any bit pattern in any byte of the wrapped key or the ciphertext', async () => {
    const value = 'Tiny$ecret';
    const sealed = vault.seal(value);
    const cases: SealedSecret[] = [];
    for (const part of ['wrappedKey', 'ciphertext'] as const) {
      for (let index = 0; index < sealed[part].length; index += 1) {
        for (const mask of [0x01, 0x80, 0xff]) cases.push({ ...sealed, [part]: flipped(sealed[part], index, mask) });
      }
    }
    assert.equal(cases.length, 3 * (sealed.wrappedKey.length + sealed.ciphertext.length));
    for (const tamperedValue of cases) {
      const error = await expectOstiaryError(() => vault.open(tamperedValue), 'OST_VAULT_TAMPERED');
      assertNoLeak(errorText(error), [value, key.base64, key.hex], 'the tamper error');
    }
    assert.equal(vault.open(sealed), value, 'the original still opens');
  });

  it('detects truncated, extended and swapped parts', async () => {
    const a = vault.seal('first value');
    const b = vault.seal('second value');
    const broken: SealedSecret[] = [
      { ...a, wrappedKey: a.wrappedKey.subarray(0, a.wrappedKey.length - 1) },
      { ...a, wrappedKey: Buffer.concat([a.wrappedKey, Buffer.from([0])]) },
      { ...a, ciphertext: a.ciphertext.subarray(0, 20) },
      { ...a, ciphertext: Buffer.concat([a.ciphertext, Buffer.from([0])]) },
      { ...a, ciphertext: Buffer.alloc(0) },
      { ...a, wrappedKey: Buffer.alloc(0) },
      { ...a, wrappedKey: b.wrappedKey },
      { ...a, ciphertext: b.ciphertext },
    ];
    for (const sealed of broken) await expectOstiaryError(() => vault.open(sealed), 'OST_VAULT_TAMPERED');
  });

  it('refuses a value wrapped under a key it does not hold, naming the key id', async () => {
    const other = await openVault({ dataDir: dir.path, masterKey: randomKey().base64 });
    const sealed = other.seal('belongs elsewhere');
    const error = await expectOstiaryError(() => vault.open(sealed), 'OST_VAULT_TAMPERED');
    assert.match(error.message, new RegExp(`master key id "${other.keyId}"`));
    assert.match(error.message, /does not hold/);
    assert.ok(error.message.includes(vault.keyId));
    assertNoLeak(errorText(error), ['belongs elsewhere', key.base64], 'the unknown-key error');
  });

  it('does not print key material when inspected or serialised', () => {
    const shown = `${inspect(vault, { depth: 10, showHidden: true })} ${JSON.stringify(vault)} ${inspect(vault.describeKeys(), { depth: 10 })}`;
    assertNoLeak(shown, [key.base64, key.hex, key.bytes.toString('latin1')], 'inspecting the vault');
  });

  it('reads no key file and writes none when the key comes from the environment', async () => {
    assert.deepEqual(await readdir(dir.path), []);
    assert.equal(vault.source, 'environment');
  });
});

describe('vault: keyring with a previous key', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  const current = randomKey();
  const previous = randomKey();

  before(async () => {
    dir = await tempDir();
    await writeKeyFile(join(dir.path, 'vault.key'), `${current.base64}\n`);
    await writeKeyFile(join(dir.path, 'vault.key.old'), `${previous.hex}\n`);
  });
  after(() => dir.cleanup());

  it('seals with the current key and opens values wrapped under the previous one', async () => {
    const onlyPrevious = await openVault({ dataDir: dir.path, masterKey: previous.base64 });
    const both = await openVault({ dataDir: dir.path, masterKey: null });
    const old = onlyPrevious.seal('sealed under the old key');
    assert.equal(both.open(old), 'sealed under the old key');
    assert.equal(both.seal('new').masterKeyId, both.keyId);
    assert.notEqual(both.keyId, onlyPrevious.keyId);
    assert.deepEqual(new Set(both.keyIds), new Set([both.keyId, onlyPrevious.keyId]));
  });

  it('binds the wrapped key to its key id: relabelling it with another held id fails', async () => {
    const both = await openVault({ dataDir: dir.path, masterKey: null });
    const onlyPrevious = await openVault({ dataDir: dir.path, masterKey: previous.base64 });
    const sealed = both.seal('bound to its key id');
    await expectOstiaryError(() => both.open({ ...sealed, masterKeyId: onlyPrevious.keyId }), 'OST_VAULT_TAMPERED');
  });
});
