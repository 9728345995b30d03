import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { dialectSkip, dialects, withRawDatabase } from '../support/stores.js';
import { ApiHarness, json } from './api-harness.js';

interface CredentialView {
  id: string;
  hasSecret: boolean;
  hasPassphrase: boolean;
  fields: { name: string; value: string | null; secret: boolean }[];
}

/** Every row of every table, as text: where a canary must never appear in plaintext. */
async function databaseText(url: string): Promise<string> {
  return withRawDatabase(url, async (raw) => {
    const tables = await raw.db.introspection.getTables();
    const dumps = await Promise.all(tables.map(async (table) => JSON.stringify(await raw.db.selectFrom(table.name as 'devices').selectAll().execute())));
    return dumps.join('\n');
  });
}

for (const dialect of dialects) {
  describe(`credentials and the secret canary (${dialect})`, { skip: await dialectSkip(dialect) }, () => {
    const canary = `CANARY-${randomBytes(12).toString('hex')}`;
    const passphraseCanary = `PASSPHRASE-${randomBytes(12).toString('hex')}`;
    const fieldCanary = `FIELD-${randomBytes(12).toString('hex')}`;
    const canaries = [canary, passphraseCanary, fieldCanary];
    const responses: string[] = [];
    let api: ApiHarness;
    let admin: string;
    let operator: string;
    let deviceId: string;
    let credentialId: string;

    const call = async (...args: Parameters<ApiHarness['call']>) => {
      const response = await api.call(...args);
      responses.push(response.body, JSON.stringify(response.headers));
      return response;
    };

    before(async () => {
      api = await ApiHarness.start(dialect);
      admin = await api.tokenFor('admin');
      operator = await api.tokenFor('operator');
      deviceId = json<{ id: string }>(await call('POST', '/api/v1/devices', { token: admin, body: { name: 'vault-test', address: '10.0.0.9' } })).id;
    });
    after(async () => api?.stop());

    it('stores a secret write-only: the answer says hasSecret, never the value', async () => {
      const created = await call('POST', '/api/v1/credentials', {
        token: operator,
        body: { deviceId, username: 'root', kind: 'private_key', secret: canary, passphrase: passphraseCanary, fields: [{ name: 'PIN', secret: fieldCanary }, { name: 'SITE', value: 'east' }] },
      });
      assert.equal(created.statusCode, 201, created.body);
      const credential = json<CredentialView>(created);
      credentialId = credential.id;
      assert.deepEqual([credential.hasSecret, credential.hasPassphrase], [true, true]);
      assert.deepEqual(credential.fields, [{ name: 'PIN', value: null, secret: true }, { name: 'SITE', value: 'east', secret: false }]);
      await call('GET', `/api/v1/credentials/${credentialId}`, { token: operator });
      await call('GET', '/api/v1/credentials', { token: operator });
      await call('GET', `/api/v1/credentials?deviceId=${deviceId}`, { token: operator });
    });

    it('replaces the secret without echoing it', async () => {
      const replaced = await call('PUT', `/api/v1/credentials/${credentialId}/secret`, { token: operator, body: { secret: `${canary}-v2` } });
      assert.equal(replaced.statusCode, 200);
      const history = await api.store.secrets.history((await api.store.credentials.get(credentialId))!.secretId);
      assert.deepEqual(history.map((version) => version.state).sort(), ['current', 'previous']);
      await call('PUT', `/api/v1/credentials/${credentialId}/secret`, { token: operator, body: { secret: canary } });
    });

    it('never echoes a secret in a validation error, whatever the mistake', async () => {
      const mistakes = [
        { deviceId, username: 'x', secret: canary, colour: canary },
        { deviceId: canary, username: 'x', secret: canary },
        { deviceId, username: 'x', secret: canary, fields: [{ name: canary, secret: canary }] },
        { deviceId, username: 'x', secret: canary.repeat(2000) },
      ];
      for (const body of mistakes) {
        const response = await call('POST', '/api/v1/credentials', { token: operator, body });
        assert.equal(response.statusCode, 400, response.body);
      }
      const reason = await call('POST', `/api/v1/credentials/${credentialId}/reveal`, { token: admin, body: { reason: 'x', secret: canary } });
      assert.equal(reason.statusCode, 400);
    });

    it('an operator cannot reveal; an admin can, with a reason, and the reveal is audited first', async () => {
      const denied = await call('POST', `/api/v1/credentials/${credentialId}/reveal`, { token: operator, body: { reason: 'curious operator' } });
      assert.equal(denied.statusCode, 403);
      const noReason = await call('POST', `/api/v1/credentials/${credentialId}/reveal`, { token: admin, body: {} });
      assert.equal((json(noReason).details as { field: string }).field, 'reason');
      const revealed = await api.call('POST', `/api/v1/credentials/${credentialId}/reveal`, { token: admin, body: { reason: 'incident 7: console access' } });
      assert.equal(revealed.statusCode, 200);
      const body = json<{ secret: string; passphrase: string; auditSeq: number }>(revealed);
      assert.deepEqual([body.secret, body.passphrase], [canary, passphraseCanary]);
      const [event] = (await api.store.audit.query({ action: 'credential.reveal' })).items;
      assert.deepEqual([event?.seq, event?.reason, event?.objectId, event?.actorName], [body.auditSeq, 'incident 7: console access', credentialId, 'u-admin']);
    });

    it('the canaries appear in no other response, no log line, no audit event, and never in plaintext in the database', async () => {
      await api.audit.projectAll();
      const audit = JSON.stringify(await api.store.audit.readAfter(0, 10_000));
      const logs = api.logs.join('');
      const database = await databaseText(api.fresh.url);
      assert.ok(api.logs.length > 10, 'the server logged requests');
      for (const value of canaries) {
        for (const [where, text] of [['responses', responses.join('\n')], ['logs', logs], ['audit', audit], ['database', database]] as const) {
          assert.ok(!text.includes(value), `${value.slice(0, 10)}… leaked into ${where}`);
        }
      }
      assert.match(audit, /"secret":"\[set\]"|"secret":true/);
    });
  });
}
