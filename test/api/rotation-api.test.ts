import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { PostgresExecutor } from '../../src/executors/postgres/postgres-executor.js';
import { waitFor } from '../engine/engine-harness.js';
import { startRotationEngine } from '../rotation/support/rotation-engine.js';
import type { RotationEngine } from '../rotation/support/rotation-engine.js';
import { POSTGRES_CHANGE_OWN_PASSWORD } from '../rotation/support/templates.js';
import { storedTexts } from '../rotation/support/test-vault.js';
import { assertNoSecret } from '../support/executor-context.js';
import { scramPostgresSkip, startScramPostgres } from '../support/postgres-scram.js';
import type { ScramPostgres } from '../support/postgres-scram.js';
import { ApiHarness, json } from './api-harness.js';

/**
 * Rotation through the HTTP API, end to end: a PostgreSQL role on an instance that checks
 * passwords (scram-sha-256), a real engine with rotation plugged in, and every request made
 * as a client would. Every response, log line, event and transcript is checked for secrets.
 */

interface RotationState {
  syncState: string;
  configured: boolean;
  parentId: string | null;
  currentVersion: number | null;
  pendingVersion: number | null;
  activeRotation: { id: string; phase: string } | null;
  lastRotation: { id: string; phase: string; kind: string; trigger: string } | null;
  settings: { executor: string; changeTemplateId: string; policy: Record<string, unknown> } | null;
  nextDueAt: string | null;
}

interface EventsPage {
  items: { seq: number; type: string; subjectId: string; payload: Record<string, unknown> }[];
  cursor: number;
  head: number;
}

describe('rotation through the API (PostgreSQL role, scram-sha-256)', { skip: await scramPostgresSkip() }, () => {
  let pg: ScramPostgres;
  let api: ApiHarness;
  let engine: RotationEngine;
  let admin: string;
  let operator: string;
  let auditor: string;
  const bodies: string[] = [];
  const secrets: string[] = [];
  const role = `api_${randomBytes(4).toString('hex')}`;
  const initial = `Init-${randomBytes(12).toString('base64url')}`;
  let deviceId: string;
  let templateId: string;
  let credentialId: string;
  let plainCredentialId: string;

  /** Every call goes through here, so every response body is kept for the leak check. */
  async function call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, token: string, body?: unknown): Promise<LightMyRequestResponse> {
    const response = await api.call(method, url, { token, body });
    bodies.push(response.body);
    return response;
  }

  const state = async (id = credentialId) => json<RotationState>(await call('GET', `/api/v1/credentials/${id}/rotation`, operator));
  const current = async () => {
    const credential = (await api.store.credentials.get(credentialId))!;
    return api.vault.open((await api.store.secrets.current(credential.secretId))!);
  };
  /** Waits until the credential has no rotation in flight and is in sync; returns its state. */
  const settled = async (): Promise<RotationState> => {
    try {
      return await waitFor('the rotation to settle', async () => {
        const now = await state();
        return now.activeRotation === null && now.syncState === 'in_sync' ? now : undefined;
      }, 60_000);
    } catch (error) {
      throw new Error(`${String(error)}: ${await diagnosis()}`, { cause: error });
    }
  };
  /** What the credential's operations did, for a failure message (transcripts are redacted). */
  const diagnosis = async () => {
    const operations = (await api.store.operations.list({ credentialId }, { limit: 20 })).items;
    const lines = await Promise.all(operations.map(async (op) => `${op.type} ${op.status} ${(await api.store.operations.attempts(op.id)).map((a) => `${a.outcome}: ${a.transcript}`).join(' | ')}`));
    return `${JSON.stringify(await state())}\n${lines.join('\n')}`;
  };

  before(async () => {
    [pg, api] = await Promise.all([startScramPostgres(), ApiHarness.start('sqlite')]);
    // A real engine runs beside the API and recovers leases by the wall clock: the harness's
    // hand-moved clock (shared by server and store) follows the wall clock here instead.
    Object.defineProperty(api.clock, 'now', { get: () => Date.now(), set: () => undefined });
    engine = await startRotationEngine(api.store, api.vault, [new PostgresExecutor()]);
    [admin, operator, auditor] = await Promise.all([api.tokenFor('admin'), api.tokenFor('operator'), api.tokenFor('auditor')]);
    await pg.createRole(role, initial);
    secrets.push(initial);
    const device = json(await call('POST', '/api/v1/devices', admin, { name: `pg-${role}`, address: pg.host, port: pg.port }));
    deviceId = String(device.id);
    const template = json<{ template: { id: string } }>(await call('POST', '/api/v1/templates', admin, { name: `change-${role}`, type: 'password_change', executor: 'postgres', source: POSTGRES_CHANGE_OWN_PASSWORD }));
    templateId = template.template.id;
    credentialId = String(json(await call('POST', '/api/v1/credentials', admin, { deviceId, username: role, secret: initial })).id);
    const plainSecret = `plain-${randomBytes(8).toString('hex')}`;
    secrets.push(plainSecret);
    plainCredentialId = String(json(await call('POST', '/api/v1/credentials', admin, { deviceId, username: `${role}_plain`, secret: plainSecret })).id);
  });

  after(async () => {
    await engine?.stop();
    await api?.stop();
    await pg?.stop();
  });

  it('an unconfigured credential shows its state; only rotation:admin sets the settings; bad input names the field', async () => {
    const fresh = await state();
    assert.deepEqual([fresh.configured, fresh.syncState, fresh.currentVersion, fresh.activeRotation, fresh.parentId], [false, 'in_sync', 1, null, null]);

    const settings = { changeTemplateId: templateId, policy: { changeEveryDays: 30 } };
    const refused = await call('PUT', `/api/v1/credentials/${credentialId}/rotation`, operator, settings);
    assert.deepEqual([refused.statusCode, json(refused).code, (json(refused).details as { permission: string }).permission], [403, 'OST_FORBIDDEN', 'rotation:admin']);

    const negative = await call('PUT', `/api/v1/credentials/${credentialId}/rotation`, admin, { changeTemplateId: templateId, policy: { changeEveryDays: -1 } });
    assert.deepEqual([negative.statusCode, json(negative).code, (json(negative).details as { field: string }).field], [400, 'OST_VALIDATION', 'policy.changeEveryDays']);
    const missing = await call('PUT', `/api/v1/credentials/${credentialId}/rotation`, admin, { changeTemplateId: '00000000-0000-4000-8000-000000000000' });
    assert.deepEqual([missing.statusCode, json(missing).code, (json(missing).details as { field: string }).field], [404, 'OST_NOT_FOUND', 'changeTemplateId']);
    const unknown = await call('PUT', `/api/v1/credentials/${credentialId}/rotation`, admin, { changeTemplateId: templateId, colour: 'blue' });
    assert.deepEqual([unknown.statusCode, (json(unknown).details as { field: string }).field], [400, 'colour']);

    const set = await call('PUT', `/api/v1/credentials/${credentialId}/rotation`, admin, settings);
    assert.equal(set.statusCode, 200, set.body);
    const configured = json<RotationState>(set);
    assert.equal(configured.configured, true);
    assert.deepEqual([configured.settings?.executor, configured.settings?.changeTemplateId, configured.settings?.policy.changeEveryDays], ['postgres', templateId, 30]);
    assert.equal(configured.nextDueAt, null, 'no period runs before the first manual change');
  });

  it('a requested rotation reaches in_sync, the new password logs in, the old one does not, and history shows versions without values', async () => {
    const headBefore = json<EventsPage>(await call('GET', '/api/v1/events?limit=1', auditor)).head;
    const auditorTry = await call('POST', `/api/v1/credentials/${credentialId}/rotate`, auditor);
    assert.deepEqual([auditorTry.statusCode, (json(auditorTry).details as { permission: string }).permission], [403, 'rotation:request']);

    const accepted = await call('POST', `/api/v1/credentials/${credentialId}/rotate`, operator);
    assert.equal(accepted.statusCode, 202, accepted.body);
    const start = json<{ rotation: { id: string; kind: string; trigger: string; phase: string }; operationId: string }>(accepted);
    assert.deepEqual([start.rotation.kind, start.rotation.trigger], ['password_change', 'api']);
    const again = await call('POST', `/api/v1/credentials/${credentialId}/rotate`, operator);
    if (again.statusCode !== 202) assert.deepEqual([again.statusCode, json(again).code], [409, 'OST_CONFLICT'], 'one rotation at a time');

    const done = await settled();
    const stored = await current();
    secrets.push(stored);
    assert.notEqual(stored, initial);
    assert.equal(await pg.canLogin(role, stored), true, 'the new password logs in');
    assert.equal(await pg.canLogin(role, initial), false, 'the old password no longer does');
    assert.ok(done.currentVersion !== null && done.currentVersion >= 2);
    assert.equal(done.pendingVersion, null);
    assert.ok(done.nextDueAt !== null, 'the period runs after the first manual change');

    const history = json<{ versions: Record<string, unknown>[]; rotations: { id: string; phase: string }[] }>(await call('GET', `/api/v1/credentials/${credentialId}/rotation/history`, auditor));
    assert.deepEqual(history.versions.map((version) => version.state).filter((s) => s !== 'discarded').slice(0, 2), ['current', 'previous']);
    for (const version of history.versions) assert.deepEqual(Object.keys(version).sort(), ['createdAt', 'operationId', 'state', 'version']);
    assert.ok(history.rotations.some((rotation) => rotation.id === start.rotation.id && rotation.phase === 'committed'));

    // A client system's token holds only event:read: it polls events but reads nothing else.
    const issued = json<{ token: string }>(await call('POST', '/api/v1/tokens', auditor, { name: 'siem', permissions: ['event:read'] }));
    const events = json<EventsPage>(await call('GET', `/api/v1/events?after=${headBefore}&types=credential.*`, issued.token));
    const rotated = events.items.find((event) => event.type === 'credential.rotated');
    assert.ok(rotated, `credential.rotated after seq ${headBefore}: ${events.items.map((e) => e.type).join(', ')}`);
    assert.equal(rotated.payload.credentialId, credentialId);
    assert.ok(events.items.every((event) => event.seq > headBefore && event.type.startsWith('credential.')));
    assert.ok(events.cursor >= rotated.seq && events.cursor <= events.head);
    const caughtUp = json<EventsPage>(await call('GET', `/api/v1/events?after=${events.head}&types=credential.*`, issued.token));
    assert.equal(caughtUp.items.length, 0);
    assert.equal((await call('GET', '/api/v1/audit/events', issued.token)).statusCode, 403);
    assert.equal((await call('GET', `/api/v1/credentials/${credentialId}/rotation`, issued.token)).statusCode, 403);
  });

  it('a bulk request answers per credential: one accepted, one refused with its reason', async () => {
    const missing = '00000000-0000-4000-8000-000000000001';
    const response = await call('POST', '/api/v1/rotations', operator, { credentialIds: [credentialId, plainCredentialId, missing] });
    assert.equal(response.statusCode, 200, response.body);
    const bulk = json<{ accepted: number; refused: number; results: { credentialId: string; accepted: boolean; error: { code: string; message: string } | null }[] }>(response);
    assert.deepEqual([bulk.accepted, bulk.refused], [1, 2]);
    const byId = new Map(bulk.results.map((result) => [result.credentialId, result]));
    assert.equal(byId.get(credentialId)?.accepted, true);
    assert.deepEqual([byId.get(plainCredentialId)?.accepted, byId.get(plainCredentialId)?.error?.code], [false, 'OST_VALIDATION']);
    assert.match(byId.get(plainCredentialId)?.error?.message ?? '', /no rotation settings/);
    assert.equal(byId.get(missing)?.error?.code, 'OST_NOT_FOUND');
    await settled();
    secrets.push(await current());
    assert.equal(await pg.canLogin(role, await current()), true);

    // A filter picks only credentials that have rotation settings.
    const filtered = json<typeof bulk>(await call('POST', '/api/v1/rotations', operator, { filter: { deviceId } }));
    assert.deepEqual(filtered.results.map((result) => [result.credentialId, result.accepted]), [[credentialId, true]]);
    await settled();
    secrets.push(await current());
    assert.equal(await pg.canLogin(role, await current()), true);

    const none = json<typeof bulk>(await call('POST', '/api/v1/rotations', operator, { filter: { syncState: 'out_of_sync' } }));
    assert.deepEqual([none.accepted, none.refused, none.results], [0, 0, []]);
    const neither = await call('POST', '/api/v1/rotations', operator, {});
    assert.deepEqual([neither.statusCode, json(neither).code, (json(neither).details as { field: string }).field], [400, 'OST_VALIDATION', 'credentialIds']);
  });

  it('verify and reconcile requests keep the service’s rules', async () => {
    const verify = await call('POST', `/api/v1/credentials/${credentialId}/verify`, operator);
    assert.equal(verify.statusCode, 202, verify.body);
    assert.equal(json<{ rotation: { kind: string } }>(verify).rotation.kind, 'verify');
    const verified = await settled();
    assert.equal(verified.lastRotation?.phase, 'verified');
    const reconcile = await call('POST', `/api/v1/credentials/${credentialId}/reconcile`, operator);
    assert.deepEqual([reconcile.statusCode, json(reconcile).code, (json(reconcile).details as { field: string }).field], [400, 'OST_VALIDATION', 'rotation.reconcileTemplateId']);
    const unconfigured = await call('POST', `/api/v1/credentials/${plainCredentialId}/rotate`, operator);
    assert.deepEqual([unconfigured.statusCode, json(unconfigured).code], [400, 'OST_VALIDATION']);
    const nothing = await call('POST', '/api/v1/credentials/00000000-0000-4000-8000-000000000002/rotate', operator);
    assert.deepEqual([nothing.statusCode, json(nothing).code], [404, 'OST_NOT_FOUND']);
  });

  it('profiles: create, list, show, replace, delete; names are unique; bad input names the field', async () => {
    const name = `linux-${role}`;
    const body = { name, criteria: { vendor: 'debian', credentialKind: 'password' }, policy: { changeEveryDays: 7, window: { hours: [1, 2] } }, changeTemplateId: templateId };
    assert.equal((await call('POST', '/api/v1/rotation/profiles', operator, body)).statusCode, 403);
    const created = await call('POST', '/api/v1/rotation/profiles', admin, body);
    assert.equal(created.statusCode, 201, created.body);
    const profile = json<{ id: string; criteria: Record<string, unknown>; policy: { window: { hours: number[]; timeZone: string } } }>(created);
    assert.deepEqual([profile.criteria.vendor, profile.policy.window.hours, profile.policy.window.timeZone], ['debian', [1, 2], 'UTC']);
    const duplicate = await call('POST', '/api/v1/rotation/profiles', admin, body);
    assert.deepEqual([duplicate.statusCode, json(duplicate).code], [409, 'OST_CONFLICT']);
    const badHour = await call('POST', '/api/v1/rotation/profiles', admin, { name: `${name}-2`, policy: { window: { hours: [25] } } });
    assert.deepEqual([badHour.statusCode, json(badHour).code, (json(badHour).details as { field: string }).field], [400, 'OST_VALIDATION', 'policy.window.hours.0']);
    const listed = json<{ items: { id: string }[] }>(await call('GET', '/api/v1/rotation/profiles', auditor));
    assert.ok(listed.items.some((item) => item.id === profile.id));
    const replaced = await call('PUT', `/api/v1/rotation/profiles/${profile.id}`, admin, { ...body, policy: { changeEveryDays: 14 } });
    assert.equal(json<{ policy: { changeEveryDays: number } }>(replaced).policy.changeEveryDays, 14);

    // A credential takes its settings from the profile.
    const fromProfile = await call('PUT', `/api/v1/credentials/${plainCredentialId}/rotation`, admin, { profileId: profile.id });
    assert.equal(fromProfile.statusCode, 200, fromProfile.body);
    assert.deepEqual([json<RotationState>(fromProfile).settings?.policy.changeEveryDays, json<RotationState>(fromProfile).settings?.changeTemplateId], [14, templateId]);
    assert.equal((await call('DELETE', `/api/v1/credentials/${plainCredentialId}/rotation`, admin)).statusCode, 204);
    assert.equal((await state(plainCredentialId)).configured, false);

    assert.equal((await call('DELETE', `/api/v1/rotation/profiles/${profile.id}`, admin)).statusCode, 204);
    const gone = await call('GET', `/api/v1/rotation/profiles/${profile.id}`, auditor);
    assert.deepEqual([gone.statusCode, json(gone).code], [404, 'OST_NOT_FOUND']);
  });

  it('a reveal requests the change its policy asks for: refused (first change) without failing the reveal, then trigger reveal, and the revealed password stops working', async () => {
    const revealRole = `${role}_rv`;
    const revealInitial = `Rv-${randomBytes(12).toString('base64url')}`;
    await pg.createRole(revealRole, revealInitial);
    secrets.push(revealInitial);
    // Registered on a device the profile matches: the credential gets changeAfterReveal from the profile.
    const device = json(await call('POST', '/api/v1/devices', admin, { name: `pg-${revealRole}`, address: pg.host, port: pg.port, vendor: 'PostgreSQL' }));
    const profile = await call('POST', '/api/v1/rotation/profiles', admin, { name: `reveal-${role}`, criteria: { vendor: 'postgresql', credentialKind: 'password' }, policy: { changeAfterReveal: true }, changeTemplateId: templateId });
    assert.equal(profile.statusCode, 201, profile.body);
    const id = String(json(await call('POST', '/api/v1/credentials', admin, { deviceId: device.id, username: revealRole, secret: revealInitial })).id);
    assert.equal((await state(id)).settings?.policy.changeAfterReveal, true);
    const stored = async () => api.vault.open((await api.store.secrets.current((await api.store.credentials.get(id))!.secretId))!);
    const settledOne = () => waitFor('the reveal’s rotation to settle', async () => {
      const now = await state(id);
      return now.activeRotation === null && now.syncState === 'in_sync' ? now : undefined;
    }, 60_000);
    /** The reveal answer holds the secret: it is checked here and kept out of `bodies` (the leak check), all but its secret. */
    const reveal = async () => {
      const response = await api.call('POST', `/api/v1/credentials/${id}/reveal`, { token: admin, body: { reason: 'incident 42: console access' } });
      assert.equal(response.statusCode, 200, response.body);
      const body = json<{ secret: string; rotation: { requested: boolean; rotationId: string | null; operationId: string | null; refusal: { code: string; message: string } | null } | null }>(response);
      bodies.push(JSON.stringify({ ...body, secret: '[checked]' }));
      return body;
    };

    const first = await reveal();
    assert.equal(first.secret, revealInitial, 'the reveal stands although no rotation could start');
    assert.deepEqual([first.rotation?.requested, first.rotation?.refusal?.code], [false, 'OST_FIRST_CHANGE_MANUAL']);
    const [refusal] = (await api.store.audit.query({ action: 'credential.rotate_refused' }, { limit: 1 })).items;
    assert.deepEqual([refusal?.objectId, (refusal?.changes as { code?: string }).code, (refusal?.changes as { trigger?: string }).trigger], [id, 'OST_FIRST_CHANGE_MANUAL', 'reveal']);
    assert.equal((await state(id)).activeRotation, null);

    assert.equal((await call('POST', `/api/v1/credentials/${id}/rotate`, operator)).statusCode, 202);
    await settledOne();
    const afterManual = await stored();
    secrets.push(afterManual);

    const second = await reveal();
    assert.equal(second.secret, afterManual);
    assert.equal(second.rotation?.requested, true, JSON.stringify(second.rotation));
    assert.equal(second.rotation?.refusal, null);
    const done = await settledOne();
    assert.deepEqual([done.lastRotation?.id, done.lastRotation?.trigger, done.lastRotation?.phase], [second.rotation?.rotationId, 'reveal', 'committed']);
    const fresh = await stored();
    secrets.push(fresh);
    assert.notEqual(fresh, second.secret);
    assert.equal(await pg.canLogin(revealRole, second.secret), false, 'the revealed password no longer logs in');
    assert.equal(await pg.canLogin(revealRole, fresh), true, 'the stored one does');
    const [requested] = (await api.store.audit.query({ action: 'credential.rotate_requested' }, { limit: 1 })).items;
    assert.deepEqual(requested?.changes, { trigger: 'reveal', rotationId: second.rotation?.rotationId, operationId: second.rotation?.operationId });
    for (const version of await api.store.secrets.history((await api.store.credentials.get(id))!.secretId)) secrets.push(api.vault.open(version));
  });

  it('no secret reached a response, a log line, an event, a transcript or the audit trail', async () => {
    for (const version of await api.store.secrets.history((await api.store.credentials.get(credentialId))!.secretId)) secrets.push(api.vault.open(version));
    await api.audit.projectAll();
    const audit = (await api.store.audit.query({}, { limit: 1000 })).items;
    assertNoSecret([...bodies, ...api.logs, ...engine.logger.lines, await storedTexts(api.store), JSON.stringify(audit)].join('\n'), secrets);
    assert.ok(secrets.length >= 5);
  });
});
