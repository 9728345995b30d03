import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LoginFailureRecord } from '../../src/store/access-store.js';
import { dialectSkip, dialects, freshStore, type FreshStore } from '../support/stores.js';
import { rejectsWith } from './fixtures.js';

const bump = (key: string, at: number) => (current: LoginFailureRecord | null): LoginFailureRecord => ({
  key,
  failures: (current?.failures ?? 0) + 1,
  firstFailureAt: current?.firstFailureAt ?? at,
  lastFailureAt: at,
  lockedUntil: null,
});

for (const dialect of dialects) {
  describe(`users, sessions, API tokens and login failures (${dialect})`, { skip: await dialectSkip(dialect) }, () => {
    let fresh: FreshStore;
    before(async () => (fresh = await freshStore(dialect)));
    after(async () => fresh?.cleanup());

    it('creates users, finds them by id and name, pages them by name, and refuses a duplicate name', async () => {
      const users = fresh.store.users;
      const bob = await users.create({ username: 'bob', passwordHash: 'scrypt$h1', roles: ['operator'] });
      const ann = await users.create({ username: 'ann', passwordHash: 'scrypt$h2', roles: ['admin', 'auditor'] });
      assert.deepEqual(await users.get(bob.id), bob);
      assert.deepEqual(await users.getByUsername('ann'), ann);
      assert.equal(await users.get('missing'), null);
      assert.equal(await users.count(), 2);
      const first = await users.list({ limit: 1 });
      assert.deepEqual(first.items.map((user) => user.username), ['ann']);
      const second = await users.list({ limit: 1, after: first.next ?? '' });
      assert.deepEqual(second.items.map((user) => user.username), ['bob']);
      assert.equal(second.next, null);
      const duplicate = await rejectsWith(users.create({ username: 'bob', passwordHash: 'x', roles: [] }), 'OST_CONFLICT');
      assert.equal(duplicate.details.field, 'username');
    });

    it('updates roles, disabled and the password hash, and says when the user is missing', async () => {
      const user = await fresh.store.users.create({ username: 'carol', passwordHash: 'old', roles: ['operator'] });
      const updated = await fresh.store.users.update(user.id, { roles: ['auditor'], disabled: true, passwordHash: 'new' });
      assert.deepEqual([updated.roles, updated.disabled, updated.passwordHash], [['auditor'], true, 'new']);
      assert.deepEqual(await fresh.store.users.get(user.id), updated);
      await rejectsWith(fresh.store.users.update('missing', { disabled: true }), 'OST_NOT_FOUND');
    });

    it('keeps sessions by token hash, ends them one by one, per user, and when expired', async () => {
      const user = await fresh.store.users.create({ username: 'dave', passwordHash: 'h', roles: [] });
      const a = await fresh.store.sessions.create({ userId: user.id, tokenHash: 'hash-a', expiresAt: 1_000, sourceAddress: '127.0.0.1' });
      const b = await fresh.store.sessions.create({ userId: user.id, tokenHash: 'hash-b', expiresAt: 9_999_999_999_999, sourceAddress: null });
      assert.deepEqual(await fresh.store.sessions.findByTokenHash('hash-a'), a);
      assert.equal(await fresh.store.sessions.deleteExpired(2_000), 1);
      assert.equal(await fresh.store.sessions.findByTokenHash('hash-a'), null);
      await fresh.store.sessions.delete(b.id);
      assert.equal(await fresh.store.sessions.findByTokenHash('hash-b'), null);
      await fresh.store.sessions.create({ userId: user.id, tokenHash: 'hash-c', expiresAt: 9_999_999_999_999, sourceAddress: null });
      assert.equal(await fresh.store.sessions.deleteForUser(user.id), 1);
    });

    it('keeps API tokens by hash, lists them newest first per user, revokes once and records use', async () => {
      const user = await fresh.store.users.create({ username: 'erin', passwordHash: 'h', roles: ['operator'] });
      const other = await fresh.store.users.create({ username: 'frank', passwordHash: 'h', roles: ['operator'] });
      const first = await fresh.store.apiTokens.create({ userId: user.id, name: 'ci', tokenHash: 'th-1', permissions: ['device:read'], expiresAt: 5_000 });
      const second = await fresh.store.apiTokens.create({ userId: user.id, name: 'laptop', tokenHash: 'th-2', permissions: [], expiresAt: 6_000 });
      await fresh.store.apiTokens.create({ userId: other.id, name: 'x', tokenHash: 'th-3', permissions: [], expiresAt: 6_000 });
      assert.deepEqual(await fresh.store.apiTokens.findByTokenHash('th-1'), first);
      const mine = await fresh.store.apiTokens.list({ userId: user.id }, { limit: 1 });
      const rest = await fresh.store.apiTokens.list({ userId: user.id }, { limit: 1, after: mine.next ?? '' });
      assert.deepEqual([...mine.items, ...rest.items].map((token) => token.id).sort(), [first.id, second.id].sort());
      assert.equal(rest.next, null);
      assert.equal((await fresh.store.apiTokens.list({})).items.length >= 3, true);
      const revoked = await fresh.store.apiTokens.revoke(first.id, 7_000);
      assert.equal(revoked.revokedAt, 7_000);
      assert.equal((await fresh.store.apiTokens.revoke(first.id, 8_000)).revokedAt, 7_000);
      await fresh.store.apiTokens.markUsed(second.id, 7_500);
      assert.equal((await fresh.store.apiTokens.get(second.id))?.lastUsedAt, 7_500);
      await rejectsWith(fresh.store.apiTokens.revoke('missing', 1), 'OST_NOT_FOUND');
      await rejectsWith(fresh.store.apiTokens.create({ userId: other.id, name: 'dup', tokenHash: 'th-3', permissions: [], expiresAt: 1 }), 'OST_CONFLICT');
    });

    it('counts failed logins per key and clears them', async () => {
      const failures = fresh.store.loginFailures;
      await failures.recordFailure('user:zed', bump('user:zed', 100));
      const second = await failures.recordFailure('user:zed', bump('user:zed', 200));
      assert.deepEqual(second, { key: 'user:zed', failures: 2, firstFailureAt: 100, lastFailureAt: 200, lockedUntil: null });
      assert.deepEqual(await failures.get(['user:zed', 'addr:none']), [second]);
      await failures.clear('user:zed');
      assert.deepEqual(await failures.get(['user:zed']), []);
    });
  });
}
