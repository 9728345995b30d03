import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fingerprintOf, hostKeyString, isSameHostKey, preferredAlgorithms } from '../../../src/executors/ssh/host-key.js';
import { requirePart } from '../../support/integration.js';
import { generateKeyPair } from '../../support/ssh/ssh-keys.js';

const pair = generateKeyPair({ comment: 'root@somewhere' });
const [algorithm = '', base64 = ''] = pair.public.split(' ');
const other = generateKeyPair().public;
const noKeygen = await requirePart('ssh-keygen', () => spawnSync('ssh-keygen', ['-?']).error === undefined, 'apt-get install -y openssh-client');

describe('host keys', () => {
  it('reads the algorithm from the key blob the server sends', () => {
    assert.equal(hostKeyString(Buffer.from(base64, 'base64')), `${algorithm} ${base64}`);
    assert.equal(algorithm, 'ssh-ed25519');
  });

  it('prints the fingerprint exactly as ssh-keygen -lf does', { skip: noKeygen }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'ostiary-hostkey-'));
    try {
      writeFileSync(join(dir, 'key.pub'), `${pair.public}\n`);
      const printed = spawnSync('ssh-keygen', ['-lf', join(dir, 'key.pub')], { encoding: 'utf8' }).stdout.split(' ')[1];
      assert.equal(fingerprintOf(pair.public), printed);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('compares keys by their blob, ignoring comments, and accepts a pinned fingerprint', () => {
    assert.ok(isSameHostKey(pair.public, `${algorithm} ${base64}`));
    assert.ok(isSameHostKey(`  ${algorithm}   ${base64}  `, `${algorithm} ${base64}`));
    assert.ok(isSameHostKey(fingerprintOf(pair.public), `${algorithm} ${base64}`));
    assert.ok(!isSameHostKey(other, `${algorithm} ${base64}`));
    assert.ok(!isSameHostKey(fingerprintOf(other), `${algorithm} ${base64}`));
  });

  it('asks the server for the pinned key type first; RSA under each of its signature names', () => {
    assert.deepEqual(preferredAlgorithms(null), []);
    assert.deepEqual(preferredAlgorithms(pair.public), ['ssh-ed25519']);
    assert.deepEqual(preferredAlgorithms('ssh-rsa AAAAB3NzaC1yc2E'), ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
    assert.deepEqual(preferredAlgorithms('SHA256:abc'), [], 'a fingerprint does not say the key type');
    assert.deepEqual(preferredAlgorithms('sk-ssh-ed25519@openssh.com AAAA'), [], 'an algorithm ssh2 cannot verify is not requested');
  });
});
