import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dialectSkip, dialects } from '../support/stores.js';
import { ApiHarness, json } from './api-harness.js';

interface UserView {
  id: string;
  username: string;
  roles: string[];
  disabled: boolean;
}

const field = (body: unknown) => (body as { details: { field: string } }).details.field;

for (const dialect of dialects) {
  describe(`users over the API (${dialect})`, { skip: await dialectSkip(dialect) }, () => {
    let api: ApiHarness;
    let admin: string;
    before(async () => {
      api = await ApiHarness.start(dialect);
      admin = await api.tokenFor('admin');
    });
    after(async () => api?.stop());

    it('creates a user whose password is stored only as a scrypt hash', async () => {
      const created = await api.call('POST', '/api/v1/users', { token: admin, body: { username: 'olga', password: 'olga-has-a-long-password', roles: ['operator', 'approver'] } });
      assert.equal(created.statusCode, 201);
      const user = json<UserView>(created);
      assert.deepEqual([user.username, user.roles, user.disabled], ['olga', ['operator', 'approver'], false]);
      assert.ok(!created.body.includes('olga-has-a-long-password'));
      const stored = await api.store.users.get(user.id);
      assert.match(stored?.passwordHash ?? '', /^scrypt\$/);
      assert.deepEqual(json(await api.call('GET', `/api/v1/users/${user.id}`, { token: admin })), user);
      const listed = json<{ items: UserView[] }>(await api.call('GET', '/api/v1/users', { token: admin }));
      assert.ok(listed.items.some((entry) => entry.username === 'olga'));
      const login = await api.call('POST', '/api/v1/auth/login', { body: { username: 'olga', password: 'olga-has-a-long-password' } });
      assert.equal(login.statusCode, 200);
    });

    it('validates users at the door and names the field', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ username: 'bad name', password: 'long-enough-password', roles: ['operator'] }, 'username'],
        [{ username: 'shorty', password: 'short', roles: ['operator'] }, 'password'],
        [{ username: 'noroles', password: 'long-enough-password', roles: [] }, 'roles'],
        [{ username: 'badrole', password: 'long-enough-password', roles: ['superuser'] }, 'roles.0'],
      ];
      for (const [body, expected] of cases) {
        const response = await api.call('POST', '/api/v1/users', { token: admin, body });
        assert.deepEqual([response.statusCode, field(json(response))], [400, expected], JSON.stringify(body));
      }
      await api.call('POST', '/api/v1/users', { token: admin, body: { username: 'twin', password: 'long-enough-password', roles: ['auditor'] } });
      const twin = await api.call('POST', '/api/v1/users', { token: admin, body: { username: 'twin', password: 'long-enough-password', roles: ['auditor'] } });
      assert.deepEqual([twin.statusCode, json(twin).code, field(json(twin))], [409, 'OST_CONFLICT', 'username']);
    });

    it('changes roles, disables (ending sessions), resets a password, and audits each', async () => {
      const user = await api.createUser('pavel', ['operator']);
      const login = await api.call('POST', '/api/v1/auth/login', { body: { username: 'pavel', password: 'correct-horse-battery-staple' } });
      const cookie = `ostiary_session=${(login.cookies as { name: string; value: string }[]).find((c) => c.name === 'ostiary_session')?.value}`;
      const changed = json<UserView>(await api.call('PATCH', `/api/v1/users/${user.id}`, { token: admin, body: { roles: ['auditor'] } }));
      assert.deepEqual(changed.roles, ['auditor']);
      const disabled = json<UserView>(await api.call('PATCH', `/api/v1/users/${user.id}`, { token: admin, body: { disabled: true } }));
      assert.equal(disabled.disabled, true);
      assert.equal(json(await api.call('GET', '/api/v1/auth/me', { headers: { cookie } })).code, 'OST_AUTH_INVALID');
      assert.equal((await api.call('POST', `/api/v1/users/${user.id}/password`, { token: admin, body: { password: 'pavel-new-long-password' } })).statusCode, 204);
      const actions = (await api.store.audit.query({ objectType: 'user', objectId: user.id })).items.map((event) => event.action).toReversed();
      assert.deepEqual(actions, ['user.update', 'user.update', 'user.password_reset']);
      assert.ok(!JSON.stringify(await api.store.audit.readAfter(0, 1000)).includes('pavel-new-long-password'));
    });

    it('never lets the last active admin lose the role or be disabled', async () => {
      const admins = (await api.store.users.list({ limit: 200 })).items.filter((user) => user.roles.includes('admin'));
      assert.equal(admins.length, 1);
      const only = admins[0]!;
      const demote = await api.call('PATCH', `/api/v1/users/${only.id}`, { token: admin, body: { roles: ['auditor'] } });
      assert.deepEqual([demote.statusCode, json(demote).code, field(json(demote))], [409, 'OST_CONFLICT', 'roles']);
      const disable = await api.call('PATCH', `/api/v1/users/${only.id}`, { token: admin, body: { disabled: true } });
      assert.equal(json(disable).code, 'OST_CONFLICT');
      await api.createUser('second-admin', ['admin']);
      assert.equal((await api.call('PATCH', `/api/v1/users/${only.id}`, { token: admin, body: { roles: ['admin', 'auditor'] } })).statusCode, 200);
    });

    it('lists another user’s tokens only with user:read', async () => {
      const user = await api.createUser('quinn', ['operator']);
      const operator = await api.tokenFor('operator');
      const denied = await api.call('GET', `/api/v1/tokens?userId=${user.id}`, { token: operator });
      assert.deepEqual([denied.statusCode, (json(denied).details as { permission: string }).permission], [403, 'user:read']);
      assert.equal((await api.call('GET', `/api/v1/tokens?userId=${user.id}`, { token: await api.tokenFor('auditor') })).statusCode, 200);
    });
  });
}
