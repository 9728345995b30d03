import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Credential } from '../../src/domain/index.js';
import type { Executor } from '../../src/executors/executor.js';
import { MysqlExecutor } from '../../src/executors/mysql/mysql-executor.js';
import { PostgresExecutor } from '../../src/executors/postgres/postgres-executor.js';
import { sshExecutor } from '../../src/executors/ssh/ssh-executor.js';
import { RotationConfiguration } from '../../src/rotation/index.js';
import type { Store } from '../../src/store/store.js';
import { generatePassword } from '../../src/vault/index.js';
import type { Vault } from '../../src/vault/index.js';
import { assertNoSecret } from '../support/executor-context.js';
import { MARIADB_HOST, MARIADB_PORT, MariadbScratch, mariadbSkip } from '../support/mariadb.js';
import { scramPostgresSkip, startScramPostgres } from '../support/postgres-scram.js';
import type { ScramPostgres } from '../support/postgres-scram.js';
import { canLogIn } from '../support/ssh/ssh-login.js';
import { requireSshHosts, startSshHosts } from '../support/ssh-hosts.js';
import type { SshHosts } from '../support/ssh-hosts.js';
import { freshStore } from '../support/stores.js';
import type { FreshStore } from '../support/stores.js';
import { startRotationEngine } from './support/rotation-engine.js';
import type { RotationEngine } from './support/rotation-engine.js';
import { LINUX_CHANGE_OWN_PASSWORD, MARIADB_CHANGE_OWN_PASSWORD, POSTGRES_CHANGE_OWN_PASSWORD } from './support/templates.js';
import { storedTexts, testVault } from './support/test-vault.js';

/**
 * Rotations against real targets, run by a real engine with rotation plugged in (DESIGN.md §4):
 * a PostgreSQL role on an instance that checks passwords (scram-sha-256), a MariaDB user, and
 * a Linux user on an sshd test host. After each rotation the new password logs in and the old
 * one no longer does; no secret reaches a transcript, event, error or log line.
 */

/** Every character the brief names as hard to carry through SQL: quote, double quote, backslash, semicolon, dollar, space. */
const HARD = `'"\\;$ `;
const hard = (prefix: string): string => `${prefix}${HARD}${randomBytes(6).toString('base64url')}${HARD}`;

interface Target {
  readonly store: Store;
  readonly vault: Vault;
  readonly credential: Credential;
  readonly rotation: RotationEngine;
  readonly secrets: string[];
  /** The next rotation's new password, when a test needs characters no policy draws. */
  next: (() => string) | null;
}

/** Registers the credential with its rotation settings on a fresh store, and starts an engine with rotation. */
async function register(fresh: FreshStore, vault: Vault, executor: Executor, input: { address: string; port: number; hostKey?: string; username: string; password: string; source: string }): Promise<Target> {
  const store = fresh.store;
  const device = await store.devices.create({ name: `${executor.name}-${randomBytes(3).toString('hex')}`, address: input.address, port: input.port, hostKey: input.hostKey ?? null });
  const { template } = await store.templates.create({ name: `change-${device.name}`, type: 'password_change', executor: executor.name, source: input.source, author: 'test' });
  const credential = await store.credentials.create({ deviceId: device.id, username: input.username, secret: vault.seal(input.password) });
  await new RotationConfiguration(store).configure(credential.id, { changeTemplateId: template.id });
  const target: Target = { store, vault, credential, secrets: [input.password], next: null, rotation: null as unknown as RotationEngine };
  const rotation = await startRotationEngine(store, vault, [executor], { generatePassword: (policy) => target.next?.() ?? generatePassword(policy) });
  return Object.assign(target, { rotation });
}

/** Requests a rotation, lets the engine run it, and returns the stored password before and after. */
async function rotate(target: Target, next: (() => string) | null = null): Promise<{ before: string; after: string }> {
  const { store, vault, credential } = target;
  const open = async () => vault.open((await store.secrets.current(credential.secretId))!);
  const before = await open();
  target.next = next;
  const operation = await target.rotation.rotate(credential.id);
  const attempts = await store.operations.attempts(operation.id);
  assert.equal(operation.status, 'succeeded', attempts.map((a) => a.transcript).join('\n'));
  const after = await open();
  target.secrets.push(after);
  assert.notEqual(after, before);
  assert.equal((await store.credentials.get(credential.id))?.syncState, 'in_sync');
  return { before, after };
}

/** No secret in any stored transcript, event or error message, nor in anything logged. */
async function assertNothingLeaked(target: Target): Promise<void> {
  assertNoSecret(`${await storedTexts(target.store)}\n${target.rotation.logger.lines.join('\n')}`, target.secrets);
}

describe('rotating a PostgreSQL role (own instance, scram-sha-256)', { skip: await scramPostgresSkip() }, () => {
  let pg: ScramPostgres;
  let fresh: FreshStore;
  let vault: Vault;
  before(async () => {
    [pg, fresh, vault] = await Promise.all([startScramPostgres(), freshStore('sqlite'), testVault()]);
  });
  let target: Target | undefined;
  after(async () => {
    await target?.rotation.stop();
    await fresh?.cleanup();
    await pg?.stop();
  });

  it('the new password logs in and the old one does not; quotes, backslash, semicolon, dollar and space survive both ways', async () => {
    const role = `rot_${randomBytes(4).toString('hex')}`;
    const initial = hard('Init');
    await pg.createRole(role, initial);
    target = await register(fresh, vault, new PostgresExecutor(), { address: pg.host, port: pg.port, username: role, password: initial, source: POSTGRES_CHANGE_OWN_PASSWORD });
    // First to a password full of hard characters (no policy draws a space, so a generator seam gives it), then away from it.
    const first = await rotate(target, () => hard('Next'));
    assert.ok(first.after.includes(HARD));
    assert.equal(await pg.canLogin(role, first.after), true, 'the new password logs in');
    assert.equal(await pg.canLogin(role, first.before), false, 'the old password no longer does');
    const second = await rotate(target);
    assert.equal(await pg.canLogin(role, second.after), true);
    assert.equal(await pg.canLogin(role, first.after), false);
    await assertNothingLeaked(target);
  });
});

describe('rotating a MariaDB user', { skip: await mariadbSkip() }, () => {
  const scratch = new MariadbScratch();
  let fresh: FreshStore;
  let vault: Vault;
  before(async () => {
    [fresh, vault] = await Promise.all([freshStore('sqlite'), testVault()]);
  });
  let target: Target | undefined;
  after(async () => {
    await target?.rotation.stop();
    await scratch.cleanup();
    await fresh?.cleanup();
  });

  it('the new password logs in and the old one does not; quotes, backslash, semicolon, dollar and space survive both ways', async () => {
    const initial = hard('Init');
    const user = await scratch.createUser('rot', initial);
    target = await register(fresh, vault, new MysqlExecutor(), { address: MARIADB_HOST, port: MARIADB_PORT, username: user, password: initial, source: MARIADB_CHANGE_OWN_PASSWORD });
    const first = await rotate(target, () => hard('Next'));
    assert.equal(await scratch.canLogin(user, first.after), true, 'the new password logs in');
    assert.equal(await scratch.canLogin(user, first.before), false, 'the old password no longer does');
    const second = await rotate(target);
    assert.equal(await scratch.canLogin(user, second.after), true);
    assert.equal(await scratch.canLogin(user, first.after), false);
    await assertNothingLeaked(target);
  });
});

describe('rotating a Linux user through SSH', { skip: await requireSshHosts() }, () => {
  const initial = `Init "q'$ ${randomBytes(6).toString('base64url')}`;
  let lab: SshHosts;
  let fresh: FreshStore;
  let vault: Vault;
  before(async () => {
    [lab, fresh, vault] = await Promise.all([startSshHosts({ users: [{ name: 'rotor', password: initial }] }), freshStore('sqlite'), testVault()]);
  });
  let target: Target | undefined;
  after(async () => {
    await target?.rotation.stop();
    await lab?.stop();
    await fresh?.cleanup();
  });

  it('passwd over SSH: the new password logs in, the old one does not', async () => {
    const host = lab.hosts[0]!;
    target = await register(fresh, vault, sshExecutor, { address: host.address, port: host.port, hostKey: host.hostKey, username: 'rotor', password: initial, source: LINUX_CHANGE_OWN_PASSWORD });
    const { before, after } = await rotate(target);
    const [operation] = (await target.store.operations.list({ credentialId: target.credential.id })).items;
    assert.match((await target.store.operations.attempts(operation!.id))[0]?.transcript ?? '', /password updated successfully/);
    assert.equal(await canLogIn(host, { username: 'rotor', password: after }), true, 'the new password logs in');
    assert.equal(await canLogIn(host, { username: 'rotor', password: before }), false, 'the old password no longer does');
    await assertNothingLeaked(target);
  });
});
