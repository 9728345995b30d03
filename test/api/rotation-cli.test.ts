import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { writeLogin } from '../../src/cli/client/login-file.js';
import { RotationConfiguration } from '../../src/rotation/index.js';
import { assertNoSecret } from '../support/executor-context.js';
import { ApiHarness } from './api-harness.js';

const BIN = fileURLToPath(new URL('../../bin/ostiary.js', import.meta.url));

/**
 * A smoke test of the rotation and events commands as API clients (each CLI process costs
 * ~2 s of CPU, so a few calls): settings, a bulk request with one refusal, the event feed.
 * No engine runs: the request is accepted and waits in the queue.
 */
describe('rotation and events through the CLI (sqlite)', () => {
  const secret = `cli-rot-${randomBytes(8).toString('hex')}`;
  let api: ApiHarness;
  let home: string;
  let url: string;
  let credentialId: string;
  let plainId: string;
  let templateId: string;
  const outputs: string[] = [];

  function ostiary(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: join(home, 'config'), OSTIARY_URL: url }, timeout: 60_000 }, (error, stdout, stderr) => {
        outputs.push(stdout, stderr);
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
      });
    });
  }

  before(async () => {
    api = await ApiHarness.start('sqlite');
    api.clock.now = Date.now();
    home = await mkdtemp(join(tmpdir(), 'ostiary-rot-cli-'));
    url = await api.app.listen({ host: '127.0.0.1', port: 0 });
    await writeLogin({ url, token: await api.tokenFor('admin'), tokenId: 'test', username: 'u-admin' }, join(home, 'config', 'ostiary', 'login.json'));
    const device = await api.store.devices.create({ name: 'cli-db', address: '127.0.0.1', port: 5432 });
    const { template } = await api.store.templates.create({ name: 'cli-change', type: 'password_change', executor: 'postgres', source: "ALTER ROLE [#USERNAME#] WITH PASSWORD '[#NEW_PASSWORD#]'", author: 'test' });
    templateId = template.id;
    credentialId = (await api.store.credentials.create({ deviceId: device.id, username: 'app', secret: api.vault.seal(secret) })).id;
    plainId = (await api.store.credentials.create({ deviceId: device.id, username: 'plain', secret: api.vault.seal(secret) })).id;
    assert.equal(await new RotationConfiguration(api.store).settings(credentialId), null);
  });
  after(async () => {
    await api?.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('sets the settings, requests a bulk rotation (exit 1: one refused), and lists the events', async () => {
    const set = await ostiary(['credentials', 'rotation', 'set', credentialId, '--change-template', templateId, '--policy', '{"changeEveryDays":30,"changeAfterReveal":true}']);
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, /executor\s+postgres/);
    assert.equal((await new RotationConfiguration(api.store).settings(credentialId))?.periodMs, 30 * 86_400_000);

    // Links alone: the parent and reconciliation credential change, the (absent) settings stay absent.
    const linked = await ostiary(['credentials', 'rotation', 'set', plainId, '--parent', credentialId, '--reconcile-credential', credentialId]);
    assert.equal(linked.code, 0, linked.stderr);
    assert.match(linked.stdout, new RegExp(`parent\\s+${credentialId}`));
    assert.deepEqual([(await api.store.credentials.get(plainId))?.parentId, (await api.store.credentials.get(plainId))?.reconcileCredentialId], [credentialId, credentialId]);
    assert.equal(await new RotationConfiguration(api.store).settings(plainId), null);

    // A reveal before the first manual change: stdout is the bare secret, stderr says the change was refused and why.
    const revealed = await ostiary(['credentials', 'reveal', credentialId, '--reason', 'cli reveal test']);
    assert.equal(revealed.code, 0, revealed.stderr);
    assert.equal(revealed.stdout, `${secret}\n`);
    assert.match(revealed.stderr, /change after a reveal, but it was refused: OST_FIRST_CHANGE_MANUAL/);
    outputs.splice(outputs.indexOf(revealed.stdout), 1);

    const bulk = await ostiary(['credentials', 'rotate', credentialId, plainId]);
    assert.equal(bulk.code, 1, 'a refused credential makes the exit code 1');
    assert.match(bulk.stdout, new RegExp(`${credentialId}\\s+accepted`));
    assert.match(bulk.stdout, new RegExp(`${plainId}\\s+refused OST_VALIDATION`));
    assert.match(bulk.stdout, /1 accepted, 1 refused/);

    const events = await ostiary(['events', 'list', '--after', '0', '--types', 'operation.*', '--json']);
    assert.equal(events.code, 0, events.stderr);
    const page = JSON.parse(events.stdout) as { items: { type: string; payload: { credentialId?: string } }[]; cursor: number };
    assert.ok(page.items.some((event) => event.type === 'operation.created' || event.payload.credentialId === credentialId), events.stdout);
    assert.ok(page.items.every((event) => event.type.startsWith('operation.')));

    const both = await ostiary(['credentials', 'rotate', credentialId, '--device', 'x']);
    assert.equal(both.code, 1);
    assert.match(both.stderr, /^OST_VALIDATION: ids: give credential ids or a filter/);
    assertNoSecret(outputs.join('\n'), [secret]);
  });
});
