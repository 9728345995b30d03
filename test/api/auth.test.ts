import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { DEFAULT_LOGIN_THROTTLE } from '../../src/auth/login-throttle.js';
import type { LoginThrottlePolicy } from '../../src/auth/login-throttle.js';
import { dialectSkip, dialects } from '../support/stores.js';
import { ApiHarness, json, TEST_PASSWORD } from './api-harness.js';

/** The default slow-down, with lower lock limits so the lockout tests stay short. */
const THROTTLE: LoginThrottlePolicy = { ...DEFAULT_LOGIN_THROTTLE, lockUserAfter: 5, lockAddressAfter: 8 };

interface Cookie {
  readonly name: string;
  readonly value: string;
  readonly httpOnly?: boolean;
  readonly sameSite?: string;
  readonly secure?: boolean;
}

function cookiesOf(response: LightMyRequestResponse): Map<string, Cookie> {
  return new Map((response.cookies as Cookie[]).map((cookie) => [cookie.name, cookie]));
}

function codeOf(response: LightMyRequestResponse): string {
  return json<{ code: string }>(response).code;
}

async function login(api: ApiHarness, username: string, password = TEST_PASSWORD, remoteAddress?: string) {
  return api.call('POST', '/api/v1/auth/login', { body: { username, password }, remoteAddress });
}

/** The session cookie and CSRF header a browser would send after logging in. */
async function session(api: ApiHarness, username: string): Promise<{ cookie: string; csrf: string }> {
  const response = await login(api, username);
  assert.equal(response.statusCode, 200, response.body);
  const cookie = cookiesOf(response).get('ostiary_session');
  return { cookie: `ostiary_session=${cookie?.value ?? ''}`, csrf: json<{ csrfToken: string }>(response).csrfToken };
}

for (const dialect of dialects) {
  describe(`authentication (${dialect})`, { skip: await dialectSkip(dialect) }, () => {
    let api: ApiHarness;
    before(async () => {
      api = await ApiHarness.start(dialect, { loginThrottle: THROTTLE });
      await api.createUser('alice', ['operator']);
      await api.createUser('root', ['admin']);
    });
    after(async () => api?.stop());

    it('a login sets an HttpOnly, SameSite=Strict session cookie and a readable CSRF cookie', async () => {
      const response = await login(api, 'alice');
      assert.equal(response.statusCode, 200);
      const body = json<{ user: { username: string; roles: string[] }; permissions: string[]; csrfToken: string }>(response);
      assert.deepEqual([body.user.username, body.user.roles], ['alice', ['operator']]);
      assert.ok(body.permissions.includes('operation:submit') && !body.permissions.includes('credential:reveal'));
      const cookies = cookiesOf(response);
      const sessionCookie = cookies.get('ostiary_session');
      assert.match(sessionCookie?.value ?? '', /^oss_/);
      assert.equal(sessionCookie?.httpOnly, true);
      assert.equal(sessionCookie?.sameSite, 'Strict');
      assert.ok(!sessionCookie?.secure, 'plain HTTP: not Secure');
      assert.equal(cookies.get('ostiary_csrf')?.httpOnly, undefined);
      assert.equal(cookies.get('ostiary_csrf')?.value, body.csrfToken);
      assert.ok(!response.body.includes(sessionCookie?.value ?? 'x'), 'the session id is only in the cookie');
    });

    it('marks cookies Secure when the request came over TLS', async () => {
      const tls = await ApiHarness.start(dialect, { trustProxy: true });
      try {
        await tls.createUser('tina', ['auditor']);
        const response = await tls.call('POST', '/api/v1/auth/login', { body: { username: 'tina', password: TEST_PASSWORD }, headers: { 'x-forwarded-proto': 'https' } });
        assert.equal(cookiesOf(response).get('ostiary_session')?.secure, true);
        assert.equal(cookiesOf(response).get('ostiary_csrf')?.secure, true);
      } finally {
        await tls.stop();
      }
    });

    it('a session reads freely, but changes state only with the CSRF header', async () => {
      const { cookie, csrf } = await session(api, 'alice');
      const me = await api.call('GET', '/api/v1/auth/me', { headers: { cookie } });
      assert.equal(me.statusCode, 200);
      assert.deepEqual([json<{ via: string }>(me).via, json<{ user: { username: string } }>(me).user.username], ['session', 'alice']);
      const body = { name: 'csrf-dev', address: '10.1.1.1' };
      const forged = await api.call('POST', '/api/v1/devices', { headers: { cookie }, body });
      assert.deepEqual([forged.statusCode, codeOf(forged)], [403, 'OST_CSRF']);
      const wrong = await api.call('POST', '/api/v1/devices', { headers: { cookie, 'x-csrf-token': `${csrf}x` }, body });
      assert.equal(codeOf(wrong), 'OST_CSRF');
      const ok = await api.call('POST', '/api/v1/devices', { headers: { cookie, 'x-csrf-token': csrf }, body });
      assert.equal(ok.statusCode, 201);
    });

    it('logout ends the session', async () => {
      const { cookie, csrf } = await session(api, 'alice');
      const out = await api.call('POST', '/api/v1/auth/logout', { headers: { cookie, 'x-csrf-token': csrf } });
      assert.equal(out.statusCode, 204);
      const after = await api.call('GET', '/api/v1/auth/me', { headers: { cookie } });
      assert.deepEqual([after.statusCode, codeOf(after)], [401, 'OST_AUTH_INVALID']);
    });

    it('a session expires', async () => {
      const { cookie } = await session(api, 'alice');
      api.clock.advance(8 * 3600_000 + 1);
      const expired = await api.call('GET', '/api/v1/auth/me', { headers: { cookie } });
      assert.deepEqual([expired.statusCode, codeOf(expired)], [401, 'OST_AUTH_EXPIRED']);
    });

    it('answers a missing, malformed, unknown, expired or revoked token with its own code', async () => {
      const missing = await api.call('GET', '/api/v1/devices');
      assert.deepEqual([missing.statusCode, codeOf(missing)], [401, 'OST_AUTH_REQUIRED']);
      const basic = await api.call('GET', '/api/v1/devices', { headers: { authorization: 'Basic YTpi' } });
      assert.equal(codeOf(basic), 'OST_AUTH_INVALID');
      const unknown = await api.call('GET', '/api/v1/devices', { token: `ost_${'A'.repeat(43)}` });
      assert.deepEqual([unknown.statusCode, codeOf(unknown)], [401, 'OST_AUTH_INVALID']);
      const admin = await api.tokenFor('admin');
      const created = json<{ id: string; token: string }>(await api.call('POST', '/api/v1/tokens', { token: admin, body: { name: 'short', expiresInDays: 1 } }));
      assert.equal((await api.call('GET', '/api/v1/devices', { token: created.token })).statusCode, 200);
      api.clock.advance(86_400_000 + 1);
      const expired = await api.call('GET', '/api/v1/devices', { token: created.token });
      assert.deepEqual([expired.statusCode, codeOf(expired)], [401, 'OST_AUTH_EXPIRED']);
      const other = json<{ id: string; token: string }>(await api.call('POST', '/api/v1/tokens', { token: admin, body: { name: 'to-revoke' } }));
      const revoke = await api.call('DELETE', `/api/v1/tokens/${other.id}`, { token: admin });
      assert.equal(revoke.statusCode, 200);
      assert.ok(json<{ revokedAt: string | null }>(revoke).revokedAt);
      const revoked = await api.call('GET', '/api/v1/devices', { token: other.token });
      assert.deepEqual([revoked.statusCode, codeOf(revoked)], [401, 'OST_AUTH_REVOKED']);
    });

    it('shows a token once, stores only its hash, and scopes it to a subset of its creator’s permissions', async () => {
      const admin = await api.tokenFor('admin');
      const created = await api.call('POST', '/api/v1/tokens', { token: admin, body: { name: 'read-only', permissions: ['device:read'] } });
      assert.equal(created.statusCode, 201);
      const { id, token } = json<{ id: string; token: string }>(created);
      const stored = await api.store.apiTokens.get(id);
      assert.ok(stored && !JSON.stringify(stored).includes(token));
      const listed = await api.call('GET', '/api/v1/tokens', { token: admin });
      assert.ok(!listed.body.includes(token));
      assert.equal((await api.call('GET', '/api/v1/devices', { token })).statusCode, 200);
      const write = await api.call('POST', '/api/v1/devices', { token, body: { name: 'nope', address: 'x' } });
      assert.deepEqual([write.statusCode, codeOf(write), json<{ details: { permission: string } }>(write).details.permission], [403, 'OST_FORBIDDEN', 'device:write']);
      const operator = await api.tokenFor('operator');
      const wider = await api.call('POST', '/api/v1/tokens', { token: operator, body: { name: 'wider', permissions: ['credential:reveal'] } });
      assert.deepEqual([wider.statusCode, codeOf(wider), json<{ details: { field: string } }>(wider).details.field], [403, 'OST_FORBIDDEN', 'permissions']);
    });

    it('a token loses what its user loses: permissions follow the user’s current roles', async () => {
      const user = await api.createUser('demoted', ['operator', 'template_author']);
      const { cookie, csrf } = await session(api, 'demoted');
      const created = json<{ token: string }>(await api.call('POST', '/api/v1/tokens', { headers: { cookie, 'x-csrf-token': csrf }, body: { name: 'cli' } }));
      const template = { name: 'demoted-template', type: 'task', executor: 'local', source: 'exec "true"\n' };
      await api.store.users.update(user.id, { roles: ['operator'] });
      const refused = await api.call('POST', '/api/v1/templates', { token: created.token, body: template });
      assert.equal(codeOf(refused), 'OST_FORBIDDEN');
      await api.store.users.update(user.id, { disabled: true });
      assert.equal(codeOf(await api.call('GET', '/api/v1/devices', { token: created.token })), 'OST_AUTH_INVALID');
    });

    it('refuses a wrong password without saying which part was wrong, and audits the failure', async () => {
      const wrong = await login(api, 'root', 'not-the-password', '10.9.0.1');
      const nobody = await login(api, 'nobody-here', 'whatever-password', '10.9.0.2');
      for (const response of [wrong, nobody]) {
        assert.deepEqual([response.statusCode, codeOf(response)], [401, 'OST_AUTH_INVALID']);
        assert.equal(json<{ message: string }>(response).message, 'the username or password is wrong');
      }
      const failures = await api.store.audit.query({ action: 'auth.login_failed' });
      const names = failures.items.map((event) => [event.actorName, event.sourceAddress]);
      assert.ok(names.some(([name, address]) => name === 'root' && address === '10.9.0.1'));
      assert.ok(names.some(([name, address]) => name === 'nobody-here' && address === '10.9.0.2'));
      assert.ok(!JSON.stringify(failures.items).includes('not-the-password'));
      const successes = await api.store.audit.query({ action: 'auth.login' });
      assert.ok(successes.items.length > 0);
    });

    it('slows down, then locks an account after repeated failures, even for the right password', async () => {
      await api.createUser('target', ['operator']);
      const policy = THROTTLE;
      const codes: string[] = [];
      for (let i = 0; i < policy.lockUserAfter; i += 1) {
        const response = await login(api, 'target', `wrong-${i}`, `10.8.0.${i}`);
        codes.push(codeOf(response));
        api.clock.advance(policy.maxDelayMs);
      }
      assert.deepEqual(codes, Array(policy.lockUserAfter).fill('OST_AUTH_INVALID'));
      const locked = await login(api, 'target', TEST_PASSWORD, '10.8.1.1');
      assert.deepEqual([locked.statusCode, codeOf(locked)], [429, 'OST_ACCOUNT_LOCKED']);
      assert.ok(json<{ details: { lockedUntil: string } }>(locked).details.lockedUntil);
      const admin = await api.tokenFor('admin');
      const user = await api.store.users.getByUsername('target');
      assert.equal((await api.call('POST', `/api/v1/users/${user?.id}/unlock`, { token: admin })).statusCode, 204);
      assert.equal((await login(api, 'target', TEST_PASSWORD, '10.8.1.1')).statusCode, 200);
    });

    it('makes each attempt wait after a few failures', async () => {
      await api.createUser('slow', ['operator']);
      for (let i = 0; i < THROTTLE.freeFailures; i += 1) assert.equal(codeOf(await login(api, 'slow', 'bad-password', `10.7.0.${i}`)), 'OST_AUTH_INVALID');
      const early = await login(api, 'slow', TEST_PASSWORD, '10.7.1.1');
      assert.deepEqual([early.statusCode, codeOf(early)], [429, 'OST_LOGIN_THROTTLED']);
      assert.ok(json<{ details: { retryAfterSeconds: number } }>(early).details.retryAfterSeconds >= 1);
      api.clock.advance(THROTTLE.baseDelayMs);
      assert.equal((await login(api, 'slow', TEST_PASSWORD, '10.7.1.1')).statusCode, 200);
    });

    it('locks a source address that tries many usernames', async () => {
      const policy = THROTTLE;
      for (let i = 0; i < policy.lockAddressAfter; i += 1) {
        await login(api, `spray-${i}`, 'guess-password', '10.6.6.6');
        api.clock.advance(policy.maxDelayMs);
      }
      const blocked = await login(api, 'alice', TEST_PASSWORD, '10.6.6.6');
      assert.equal(codeOf(blocked), 'OST_ACCOUNT_LOCKED');
      assert.equal((await login(api, 'alice', TEST_PASSWORD, '10.6.6.7')).statusCode, 200);
    });

    it('changes one’s own password only with the current one, and ends the sessions', async () => {
      await api.createUser('changer', ['auditor']);
      const { cookie, csrf } = await session(api, 'changer');
      const headers = { cookie, 'x-csrf-token': csrf };
      const wrong = await api.call('POST', '/api/v1/auth/password', { headers, body: { currentPassword: 'nope-nope-nope', newPassword: 'a-brand-new-password' } });
      assert.deepEqual([codeOf(wrong), json<{ details: { field: string } }>(wrong).details.field], ['OST_AUTH_INVALID', 'currentPassword']);
      const short = await api.call('POST', '/api/v1/auth/password', { headers, body: { currentPassword: TEST_PASSWORD, newPassword: 'short' } });
      assert.deepEqual([codeOf(short), json<{ details: { field: string } }>(short).details.field], ['OST_VALIDATION', 'newPassword']);
      api.clock.advance(THROTTLE.maxDelayMs);
      const changed = await api.call('POST', '/api/v1/auth/password', { headers, body: { currentPassword: TEST_PASSWORD, newPassword: 'a-brand-new-password' } });
      assert.equal(changed.statusCode, 204);
      assert.equal(codeOf(await api.call('GET', '/api/v1/auth/me', { headers: { cookie } })), 'OST_AUTH_INVALID');
      assert.equal((await login(api, 'changer', 'a-brand-new-password')).statusCode, 200);
    });
  });
}
