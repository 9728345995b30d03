import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { assertNoSecret } from '../support/executor-context.js';
import { dialectSkip, dialects } from '../support/stores.js';
import { ApiHarness, json } from './api-harness.js';

/**
 * Rotation settings through the API without an engine: the profile applied when a credential
 * is registered (or the explicit settings, or none), and the parent and reconciliation
 * credential changed after creation. Every response and log line is checked for secrets.
 */

interface RotationState {
  configured: boolean;
  parentId: string | null;
  reconcileCredentialId: string | null;
  settings: { profileId: string | null; changeTemplateId: string; policy: Record<string, unknown> } | null;
}

for (const dialect of dialects) {
  describe(`rotation settings through the API (${dialect})`, { skip: await dialectSkip(dialect) }, () => {
    let api: ApiHarness;
    let admin: string;
    let operator: string;
    const bodies: string[] = [];
    const secrets: string[] = [];
    let templateId: string;
    let matchingDevice: string;
    let plainDevice: string;
    let profileId: string;

    async function call(method: 'GET' | 'POST' | 'PUT', url: string, token: string, body?: unknown): Promise<LightMyRequestResponse> {
      const response = await api.call(method, url, { token, body });
      bodies.push(response.body);
      return response;
    }
    const state = async (id: string) => json<RotationState>(await call('GET', `/api/v1/credentials/${id}/rotation`, admin));
    /** Registers a credential through the API; its secret joins the leak check. */
    const register = async (deviceId: string, username: string, extra: Record<string, unknown> = {}, token = admin) => {
      const secret = `Reg-${randomBytes(9).toString('base64url')}`;
      secrets.push(secret);
      return call('POST', '/api/v1/credentials', token, { deviceId, username, secret, ...extra });
    };
    const idOf = (response: LightMyRequestResponse) => {
      assert.equal(response.statusCode, 201, response.body);
      return String(json(response).id);
    };
    const fieldOf = (response: LightMyRequestResponse) => [response.statusCode, json(response).code, (json(response).details as { field?: string }).field];

    before(async () => {
      api = await ApiHarness.start(dialect);
      [admin, operator] = await Promise.all([api.tokenFor('admin'), api.tokenFor('operator')]);
      const template = json<{ template: { id: string } }>(await call('POST', '/api/v1/templates', admin, { name: 'change', type: 'password_change', executor: 'postgres', source: "ALTER ROLE [#USERNAME#] WITH PASSWORD '[#NEW_PASSWORD#]'" }));
      templateId = template.template.id;
      matchingDevice = String(json(await call('POST', '/api/v1/devices', admin, { name: 'pg-main', address: '127.0.0.1', port: 5432, type: 'database', vendor: 'PostgreSQL', model: '16' })).id);
      plainDevice = String(json(await call('POST', '/api/v1/devices', admin, { name: 'switch', address: '127.0.0.2', type: 'switch', vendor: 'Cisco' })).id);
      // A broader profile (vendor only) and a more specific one (vendor + kind): the specific one wins.
      await call('POST', '/api/v1/rotation/profiles', admin, { name: 'any-postgres', criteria: { vendor: 'postgresql' }, policy: { changeEveryDays: 90 }, changeTemplateId: templateId });
      const profile = await call('POST', '/api/v1/rotation/profiles', admin, {
        name: 'postgres-passwords', criteria: { vendor: 'postgresql', credentialKind: 'password' }, policy: { changeEveryDays: 10, changeAfterReveal: true }, changeTemplateId: templateId,
      });
      assert.equal(profile.statusCode, 201, profile.body);
      profileId = String(json(profile).id);
    });
    after(async () => api?.stop());

    it('a credential registered on a matching device gets the best-matching profile’s policy; a non-matching one gets none', async () => {
      const matched = await state(idOf(await register(matchingDevice, 'app')));
      assert.equal(matched.configured, true);
      assert.deepEqual([matched.settings?.profileId, matched.settings?.changeTemplateId, matched.settings?.policy.changeEveryDays, matched.settings?.policy.changeAfterReveal], [profileId, templateId, 10, true]);

      const unmatched = await state(idOf(await register(plainDevice, 'admin')));
      assert.deepEqual([unmatched.configured, unmatched.settings], [false, null]);
      // A key on the matching device: the kind does not match the specific profile, and only passwords rotate.
      const key = await state(idOf(await register(matchingDevice, 'deploy', { kind: 'private_key' })));
      assert.equal(key.configured, false);

      // By an operator (credential:write, no rotation:admin): the profile still applies.
      assert.equal((await state(idOf(await register(matchingDevice, 'reporting', {}, operator)))).settings?.profileId, profileId);

      const [event] = (await api.store.audit.query({ action: 'credential.create' }, { limit: 1 })).items;
      assert.deepEqual((event?.changes as { rotation?: unknown }).rotation, { source: 'profile', profileId }, 'the audit event says where the settings came from');
    });

    it('explicit settings win over the profile; null registers without any; both need rotation:admin; a refusal creates nothing', async () => {
      const explicit = await state(idOf(await register(matchingDevice, 'explicit', { rotation: { changeTemplateId: templateId, policy: { changeEveryDays: 3 } } })));
      assert.deepEqual([explicit.settings?.profileId, explicit.settings?.policy.changeEveryDays, explicit.settings?.policy.changeAfterReveal], [null, 3, false]);
      const fromProfile = await state(idOf(await register(matchingDevice, 'other-profile', { rotation: { profileId, policy: { changeEveryDays: 1 } } })));
      assert.deepEqual([fromProfile.settings?.profileId, fromProfile.settings?.policy.changeEveryDays], [profileId, 1], 'a named profile with a field overridden');
      const none = await state(idOf(await register(matchingDevice, 'none', { rotation: null })));
      assert.equal(none.configured, false);

      for (const rotation of [{ changeTemplateId: templateId }, null]) {
        const refused = await register(matchingDevice, `op-${String(rotation === null)}`, { rotation }, operator);
        assert.deepEqual([refused.statusCode, json(refused).code, (json(refused).details as { permission: string }).permission], [403, 'OST_FORBIDDEN', 'rotation:admin']);
      }
      const badTemplate = await register(matchingDevice, 'bad', { rotation: { changeTemplateId: '00000000-0000-4000-8000-000000000000' } });
      assert.deepEqual(fieldOf(badTemplate), [404, 'OST_NOT_FOUND', 'rotation.changeTemplateId']);
      const badPolicy = await register(matchingDevice, 'bad', { rotation: { changeTemplateId: templateId, policy: { changeEveryDays: 0 } } });
      assert.deepEqual(fieldOf(badPolicy), [400, 'OST_VALIDATION', 'rotation.policy.changeEveryDays']);
      const unknownField = await register(matchingDevice, 'bad', { rotation: { changeTemplateId: templateId, colour: 'red' } });
      assert.deepEqual(fieldOf(unknownField).slice(0, 2), [400, 'OST_VALIDATION']);
      assert.equal(await api.store.credentials.findByDeviceAndUsername(matchingDevice, 'bad'), null, 'nothing was created');
      assert.equal(await api.store.credentials.findByDeviceAndUsername(matchingDevice, 'op-true'), null);
    });

    it('PUT …/rotation changes the parent and the reconciliation credential, validated; links alone keep the settings', async () => {
      const [parent, child, reconciler, grandchild] = [
        idOf(await register(matchingDevice, 'parent', { rotation: null })),
        idOf(await register(matchingDevice, 'child')),
        idOf(await register(matchingDevice, 'dba', { rotation: null })),
        idOf(await register(matchingDevice, 'grandchild', { rotation: null })),
      ];
      const before = await state(child);
      const linked = await call('PUT', `/api/v1/credentials/${child}/rotation`, admin, { parentId: parent, reconcileCredentialId: reconciler });
      assert.equal(linked.statusCode, 200, linked.body);
      const after = json<RotationState>(linked);
      assert.deepEqual([after.parentId, after.reconcileCredentialId], [parent, reconciler]);
      assert.deepEqual(after.settings, before.settings, 'only links given: the settings stay as they were');
      assert.deepEqual([(await api.store.credentials.get(child))?.parentId, (await state(child)).reconcileCredentialId], [parent, reconciler]);
      assert.equal((await call('GET', `/api/v1/credentials/${child}`, admin)).json().parentId, parent, 'the credential view shows it too');

      // Settings and a link together: both change.
      const both = json<RotationState>(await call('PUT', `/api/v1/credentials/${grandchild}/rotation`, admin, { changeTemplateId: templateId, policy: { changeEveryDays: 5 }, parentId: child }));
      assert.deepEqual([both.configured, both.settings?.policy.changeEveryDays, both.parentId], [true, 5, child]);

      const own = await call('PUT', `/api/v1/credentials/${child}/rotation`, admin, { parentId: child });
      assert.deepEqual(fieldOf(own), [400, 'OST_VALIDATION', 'credential.parentId']);
      const loop = await call('PUT', `/api/v1/credentials/${parent}/rotation`, admin, { parentId: grandchild });
      assert.deepEqual(fieldOf(loop), [400, 'OST_VALIDATION', 'credential.parentId']);
      assert.match(String(json(loop).message), /must not loop/);
      const missing = await call('PUT', `/api/v1/credentials/${child}/rotation`, admin, { reconcileCredentialId: '00000000-0000-4000-8000-000000000003' });
      assert.deepEqual(fieldOf(missing), [404, 'OST_NOT_FOUND', 'credential.reconcileCredentialId']);
      const elsewhere = idOf(await register(plainDevice, 'enable'));
      const foreign = await call('PUT', `/api/v1/credentials/${child}/rotation`, admin, { reconcileCredentialId: elsewhere });
      assert.deepEqual(fieldOf(foreign), [400, 'OST_VALIDATION', 'credential.reconcileCredentialId']);
      const notUuid = await call('PUT', `/api/v1/credentials/${child}/rotation`, admin, { parentId: 'parent' });
      assert.deepEqual(fieldOf(notUuid), [400, 'OST_VALIDATION', 'parentId']);
      // A refused settings body changes no link either.
      const badSettings = await call('PUT', `/api/v1/credentials/${child}/rotation`, admin, { changeTemplateId: '00000000-0000-4000-8000-000000000004', parentId: null });
      assert.equal(badSettings.statusCode, 404);
      assert.equal((await state(child)).parentId, parent);
      const forbidden = await call('PUT', `/api/v1/credentials/${child}/rotation`, operator, { parentId: null });
      assert.deepEqual([forbidden.statusCode, (json(forbidden).details as { permission: string }).permission], [403, 'rotation:admin']);

      const cleared = json<RotationState>(await call('PUT', `/api/v1/credentials/${child}/rotation`, admin, { parentId: null, reconcileCredentialId: null }));
      assert.deepEqual([cleared.parentId, cleared.reconcileCredentialId, cleared.configured], [null, null, true]);
      const [event] = (await api.store.audit.query({ action: 'credential.rotation_set' }, { limit: 1 })).items;
      assert.deepEqual(event?.changes, { parentId: null, reconcileCredentialId: null }, 'the audit event names the links changed');
    });

    it('no secret reached a response, a log line or the audit trail', async () => {
      await api.audit.projectAll();
      const audit = (await api.store.audit.query({}, { limit: 1000 })).items;
      assertNoSecret([...bodies, ...api.logs, JSON.stringify(audit)].join('\n'), secrets);
      assert.ok(secrets.length >= 10);
    });
  });
}
