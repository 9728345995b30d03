import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashPassword, verifyPassword } from '../../src/auth/password-hash.js';
import { API_TOKEN_PREFIX, csrfTokenFor, hashSecretToken, looksLikeToken, newSecretToken, SESSION_PREFIX } from '../../src/auth/secret-token.js';

const fast = { N: 1024, r: 8, p: 1 };

describe('password hashes (scrypt)', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse battery', fast);
    assert.equal(await verifyPassword('correct horse battery', stored), true);
    assert.equal(await verifyPassword('correct horse batterY', stored), false);
  });

  it('salts every hash and never stores the password', async () => {
    const a = await hashPassword('same password here', fast);
    const b = await hashPassword('same password here', fast);
    assert.notEqual(a, b);
    assert.match(a, /^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    assert.ok(!a.includes('same password here'));
  });

  it('uses the default cost when none is given', async () => {
    assert.match(await hashPassword('default cost password'), /^scrypt\$32768\$8\$1\$/);
  });

  it('never matches a malformed stored hash', async () => {
    for (const stored of ['', 'bcrypt$x', 'scrypt$0$8$1$AAAA$AAAA', 'scrypt$1024$8$1$AAAA$AAAA', 'scrypt$abc$8$1$$']) {
      assert.equal(await verifyPassword('anything', stored), false, stored);
    }
  });

  it('normalizes Unicode, so the same password typed either way matches', async () => {
    const stored = await hashPassword('caf\u00e9-longer-password', fast);
    assert.equal(await verifyPassword('cafe\u0301-longer-password', stored), true);
  });
});

describe('bearer secrets', () => {
  it('API tokens and session ids are 256-bit random, prefixed, and stored as SHA-256', () => {
    const token = newSecretToken(API_TOKEN_PREFIX);
    assert.ok(looksLikeToken(token, API_TOKEN_PREFIX));
    assert.ok(!looksLikeToken(token, SESSION_PREFIX));
    assert.notEqual(token, newSecretToken(API_TOKEN_PREFIX));
    assert.match(hashSecretToken(token), /^[0-9a-f]{64}$/);
    assert.equal(hashSecretToken(token), hashSecretToken(token));
  });

  it('refuses malformed tokens before any lookup', () => {
    for (const candidate of ['', 'ost_', 'ost_short', `ost_${'a'.repeat(44)}`, `xyz_${'a'.repeat(43)}`, `ost_${'!'.repeat(43)}`]) {
      assert.equal(looksLikeToken(candidate, API_TOKEN_PREFIX), false, candidate);
    }
  });

  it('derives a distinct CSRF token per session', () => {
    const a = newSecretToken(SESSION_PREFIX);
    const b = newSecretToken(SESSION_PREFIX);
    assert.equal(csrfTokenFor(a), csrfTokenFor(a));
    assert.notEqual(csrfTokenFor(a), csrfTokenFor(b));
    assert.ok(!csrfTokenFor(a).includes(a.slice(4)));
  });
});
