import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import pg from 'pg';
import { OstiaryError } from '../../../src/domain/index.js';
import { ExecutorError } from '../../../src/executors/executor.js';
import { PostgresExecutor } from '../../../src/executors/postgres/postgres-executor.js';
import { isScramStable } from '../../../src/executors/postgres/scram-password.js';
import { assertNoSecret, errorTexts, testContext, testDevice } from '../../support/executor-context.js';
import type { TestContextInput } from '../../support/executor-context.js';
import { scramPostgresSkip, startScramPostgres } from '../../support/postgres-scram.js';
import type { ScramPostgres } from '../../support/postgres-scram.js';
import { anyCharacter } from '../../support/text-arbitraries.js';

const skip = await scramPostgresSkip();
const CHANGE = "ALTER ROLE [#USERNAME#] WITH PASSWORD '[#NEW_PASSWORD#]'";
const HARD = `it's "q" \\ ; $$ $1 -- /* x  y\ttab é 日本 🔑 '' \\' end`;

describe('postgres executor against a scram-sha-256 PostgreSQL', { skip }, () => {
  let server: ScramPostgres;
  const executor = new PostgresExecutor();
  let roleCounter = 0;

  before(async () => {
    server = await startScramPostgres({ tls: true });
  });
  after(async () => {
    await server?.stop();
  });

  /** A fresh role with its own password, so tests never depend on each other. */
  async function freshRole(password: string, name = `role_${(roleCounter += 1)}`): Promise<string> {
    await server.createRole(name, password);
    return name;
  }

  function contextFor(username: string, password: string, source: string, extra: Partial<TestContextInput> = {}) {
    return testContext({
      executor: 'postgres', source, device: testDevice(server.host, server.port), login: { username, password },
      masks: { USERNAME: username, CURRENT_PASSWORD: password }, ...extra,
    });
  }

  async function rotate(username: string, current: string, next: string, source = CHANGE) {
    const run = contextFor(username, current, source, { masks: { USERNAME: username, CURRENT_PASSWORD: current, NEW_PASSWORD: next } });
    const outcome = await executor.run(run.context);
    assertNoSecret(run.transcript(), [current, next]);
    return { outcome, transcript: run.transcript() };
  }

  it('rotates a role: the new password logs in, the old one no longer does', async () => {
    const role = await freshRole('Old-pass-1');
    const { outcome, transcript } = await rotate(role, 'Old-pass-1', 'New-pass-2');
    assert.equal(outcome.summary, '1 statement');
    assert.match(transcript, /> ALTER ROLE \[#USERNAME#\] WITH PASSWORD '\[#NEW_PASSWORD#\]'\n< ALTER\n/);
    assert.equal(await server.canLogin(role, 'New-pass-2'), true);
    assert.equal(await server.canLogin(role, 'Old-pass-1'), false);
  });

  it("rotates to a password holding ' \" \\ ; $ spaces and unicode", async () => {
    const role = await freshRole('plain-old');
    await rotate(role, 'plain-old', HARD);
    assert.equal(await server.canLogin(role, HARD), true);
    assert.equal(await server.canLogin(role, 'plain-old'), false);
  });

  it('quotes a username that needs identifier quoting', async () => {
    const role = await freshRole('odd-old', 'Odd "User"; DROP ROLE x -- é');
    await rotate(role, 'odd-old', 'odd-new');
    assert.equal(await server.canLogin(role, 'odd-new'), true);
    assert.equal(await server.canLogin(role, 'odd-old'), false);
  });

  it('an injection attempt in a mask value only sets that literal password', async () => {
    const role = await freshRole('inj-old');
    await server.admin(`CREATE TABLE canary_${role} (id int)`);
    await server.admin(`ALTER TABLE canary_${role} OWNER TO ${pg.escapeIdentifier(role)}`);
    const attack = `x'; DROP TABLE canary_${role}; --`;
    await rotate(role, 'inj-old', attack);
    const canary = await server.admin(`SELECT to_regclass('canary_${role}') AS name`);
    assert.equal(canary.rows[0]?.name, `canary_${role}`, 'the canary table must still exist');
    assert.equal(await server.canLogin(role, attack), true);
  });

  it('an injection attempt through the username fails as a SQL error and drops nothing', async () => {
    const role = await freshRole('inj2-old');
    await server.admin(`CREATE TABLE canary2_${role} (id int)`);
    await server.admin(`ALTER TABLE canary2_${role} OWNER TO ${pg.escapeIdentifier(role)}`);
    const run = contextFor(role, 'inj2-old', CHANGE, {
      masks: { USERNAME: `${role}" PASSWORD 'x'; DROP TABLE canary2_${role}; --`, NEW_PASSWORD: 'whatever-1' },
    });
    const error = await executor.run(run.context).then(() => null, (caught: unknown) => caught);
    assert.ok(error instanceof ExecutorError);
    assert.equal(error.kind, 'final');
    assert.equal(error.code, 'OST_EXEC_STEP_FAILED');
    const canary = await server.admin(`SELECT to_regclass('canary2_${role}') AS name`);
    assert.equal(canary.rows[0]?.name, `canary2_${role}`);
    assert.equal(await server.canLogin(role, 'inj2-old'), true);
  });

  it('runs several statements, reports each command tag, and keeps values out of the transcript', async () => {
    const role = await freshRole('multi-old');
    await server.admin(`CREATE TABLE notes_${role} (body text)`);
    await server.admin(`GRANT INSERT, SELECT ON notes_${role} TO ${pg.escapeIdentifier(role)}`);
    const source = [
      '# a comment line',
      `INSERT INTO notes_${role} (body) VALUES ('for [#USERNAME#]'), ('two');`,
      `SELECT body FROM notes_${role} -- trailing comment`,
      CHANGE,
    ].join('\n');
    const { outcome, transcript } = await rotate(role, 'multi-old', 'multi-new', source);
    assert.equal(outcome.summary, '3 statements');
    assert.match(transcript, /< INSERT 0 2\n|< INSERT 2\n/);
    assert.match(transcript, /< SELECT 2\n/);
    const stored = await server.admin<{ body: string }>(`SELECT body FROM notes_${role} ORDER BY body`);
    assert.deepEqual(stored.rows.map((row) => row.body), [`for ${role}`, 'two']);
  });

  it('classifies a rejected login as final OST_EXEC_AUTH without the password in the message', async () => {
    const role = await freshRole('auth-right');
    const run = contextFor(role, 'auth-wrong-Secret', CHANGE, { masks: { USERNAME: role, NEW_PASSWORD: 'n' } });
    const error = await executor.run(run.context).then(() => null, (caught: unknown) => caught);
    assert.ok(error instanceof ExecutorError);
    assert.equal(error.kind, 'final');
    assert.equal(error.code, 'OST_EXEC_AUTH');
    assert.match(error.message, /28P01/);
    assertNoSecret(errorTexts(error) + run.transcript(), ['auth-wrong-Secret']);
  });

  it('classifies a refused connection as retryable OST_EXEC_CONNECT', async () => {
    const run = testContext({
      executor: 'postgres', source: 'SELECT 1', device: testDevice('127.0.0.1', 1), login: { username: 'x', password: 'p-secret' },
    });
    const error = await executor.run(run.context).then(() => null, (caught: unknown) => caught);
    assert.ok(error instanceof ExecutorError);
    assert.equal(error.kind, 'retryable');
    assert.equal(error.code, 'OST_EXEC_CONNECT');
  });

  it('a SQL error is final OST_EXEC_STEP_FAILED naming the statement and the server message', async () => {
    const role = await freshRole('sqlerr');
    const run = contextFor(role, 'sqlerr', "SELECT 1\nSELECT * FROM no_such_table WHERE x = '[#CURRENT_PASSWORD#]'");
    const error = await executor.run(run.context).then(() => null, (caught: unknown) => caught);
    assert.ok(error instanceof ExecutorError);
    assert.equal(error.code, 'OST_EXEC_STEP_FAILED');
    assert.equal(error.kind, 'final');
    assert.match(error.message, /^statement 2 \(line 2\): .*no_such_table.*42P01/);
    assert.match(run.transcript(), /< SELECT 1\n> SELECT \* FROM no_such_table/);
    assertNoSecret(errorTexts(error) + run.transcript(), ['sqlerr']);
  });

  it('stops before connecting when a mask has no value', async () => {
    const run = testContext({ executor: 'postgres', source: CHANGE, device: testDevice('127.0.0.1', 1), login: { username: 'a', password: 'b' }, masks: { USERNAME: 'a' } });
    await assert.rejects(executor.run(run.context), (error: unknown) => error instanceof OstiaryError && error.code === 'OST_MASK_UNFILLED' && /NEW_PASSWORD/.test(error.message));
    assert.equal(run.transcript(), '');
  });

  it('rejects a template whose secret mask stands as an identifier, before connecting', async () => {
    const run = testContext({ executor: 'postgres', source: 'ALTER ROLE x PASSWORD [#NEW_PASSWORD#]', device: testDevice('127.0.0.1', 1), login: { username: 'a', password: 'b' } });
    await assert.rejects(executor.run(run.context), (error: unknown) => error instanceof OstiaryError && error.code === 'OST_TEMPLATE_PARSE' && /line 1, column 23/.test(error.message));
  });

  it('refuses, before connecting, a new password that SASLprep would change (pg could never verify it)', async () => {
    for (const next of ['ﬁxed-ligature', 'non\u00A0breaking', 'e\u0301-decomposed', 'soft\u00ADhyphen']) {
      const run = testContext({ executor: 'postgres', source: CHANGE, device: testDevice('127.0.0.1', 1), login: { username: 'a', password: 'b' }, masks: { USERNAME: 'a', NEW_PASSWORD: next } });
      await assert.rejects(executor.run(run.context), (error: unknown) => error instanceof OstiaryError && error.details.field === 'masks.NEW_PASSWORD' && !error.message.includes(next));
      assert.equal(run.transcript(), '');
    }
  });

  it('stops when a statement turns standard_conforming_strings off', async () => {
    const role = await freshRole('scs');
    const source = "SET standard_conforming_strings = off\nSELECT '[#USERNAME#]'";
    const run = contextFor(role, 'scs', source);
    const error = await executor.run(run.context).then(() => null, (caught: unknown) => caught);
    assert.ok(error instanceof ExecutorError);
    assert.equal(error.code, 'OST_EXEC_STEP_FAILED');
    assert.match(error.message, /^statement 1 \(line 1\) turned standard_conforming_strings off/);
    assert.doesNotMatch(run.transcript(), /> SELECT/);
  });

  it('rejects bad settings with OST_VALIDATION naming the field', async () => {
    const run = contextFor('x', 'y', 'SELECT 1', { executorConfig: { sslmode: 'sometimes' } });
    await assert.rejects(executor.run(run.context), (error: unknown) => error instanceof OstiaryError && error.code === 'OST_VALIDATION' && error.details.field === 'executorConfig.sslmode');
  });

  it('a statement running past the read timeout is retryable OST_EXEC_TIMEOUT', async () => {
    const role = await freshRole('slow');
    const run = contextFor(role, 'slow', 'SELECT pg_sleep(5)', { timeouts: { readMs: 300 } });
    const error = await executor.run(run.context).then(() => null, (caught: unknown) => caught);
    assert.ok(error instanceof ExecutorError);
    assert.equal(error.kind, 'retryable');
    assert.equal(error.code, 'OST_EXEC_TIMEOUT');
  });

  it('cancelling tears the connection down and reports OST_EXEC_CANCELLED', async () => {
    const role = await freshRole('cancel');
    const controller = new AbortController();
    // The server stops the statement at its statement_timeout (the read timeout) once the client is gone.
    const run = contextFor(role, 'cancel', 'SELECT pg_sleep(30)', { signal: controller.signal, timeouts: { readMs: 2000 } });
    const pending = executor.run(run.context).then(() => null, (caught: unknown) => caught);
    setTimeout(() => controller.abort(new Error('cancelled by test')), 300);
    const error = await pending;
    assert.ok(error instanceof ExecutorError);
    assert.equal(error.code, 'OST_EXEC_CANCELLED');
    for (let tries = 0; tries < 50 && (await countActive(role)) > 0; tries += 1) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(await countActive(role), 0);
  });

  async function countActive(role: string): Promise<number> {
    const result = await server.admin<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1 AND state = 'active'`, [role]);
    return result.rows[0]?.n ?? -1;
  }

  describe('TLS', () => {
    const ON_TLS = 'SELECT 1 FROM pg_stat_ssl WHERE pid = pg_backend_pid() AND ssl';

    it('sslmode require encrypts without checking the certificate; disable does not encrypt', async () => {
      const role = await freshRole('tls-require');
      const encrypted = contextFor(role, 'tls-require', ON_TLS, { executorConfig: { sslmode: 'require' } });
      await executor.run(encrypted.context);
      assert.match(encrypted.transcript(), /sslmode require\)\n> .*\n< SELECT 1\n/);
      const plain = contextFor(role, 'tls-require', ON_TLS, { executorConfig: { sslmode: 'disable' } });
      await executor.run(plain.context);
      assert.match(plain.transcript(), /< SELECT 0\n/);
      assert.equal(await executor.verifyLogin({ device: testDevice(server.host, server.port), executorConfig: { sslmode: 'require' }, username: role, password: 'tls-require' }), 'accepted');
    });

    it('sslmode verify-full refuses a certificate it does not trust: final OST_EXEC_TLS', async () => {
      const role = await freshRole('tls-untrusted');
      const run = contextFor(role, 'tls-untrusted', 'SELECT 1', { executorConfig: { sslmode: 'verify-full' } });
      const error = await executor.run(run.context).then(() => null, (caught: unknown) => caught);
      assert.ok(error instanceof ExecutorError);
      assert.equal(error.kind, 'final');
      assert.equal(error.code, 'OST_EXEC_TLS');
    });

    it('sslmode verify-full accepts the certificate when its CA is given', async () => {
      const role = await freshRole('tls-trusted');
      const run = contextFor(role, 'tls-trusted', 'SELECT 1', { executorConfig: { sslmode: 'verify-full', caCertificate: server.certificate } });
      assert.equal((await executor.run(run.context)).summary, '1 statement');
    });
  });

  describe('verifyLogin', () => {
    it('accepts the right password and rejects a wrong one', async () => {
      const role = await freshRole('verify-right');
      const device = testDevice(server.host, server.port);
      assert.equal(await executor.verifyLogin({ device, username: role, password: 'verify-right' }), 'accepted');
      assert.equal(await executor.verifyLogin({ device, username: role, password: 'verify-wrong' }), 'rejected');
      assert.equal(await executor.verifyLogin({ device, username: 'no_such_role', password: 'x' }), 'rejected');
    });

    it('throws a retryable error when it cannot tell (server unreachable)', async () => {
      const error = await executor.verifyLogin({ device: testDevice('127.0.0.1', 1), username: 'x', password: 'y' }).then(() => null, (caught: unknown) => caught);
      assert.ok(error instanceof ExecutorError);
      assert.equal(error.kind, 'retryable');
    });
  });

  it('property: for random passwords the rendered change sets exactly that password', async () => {
    const role = await freshRole('prop-start');
    // Everything PostgreSQL can store in text (no NUL), weighted towards quoting characters.
    const special = fc.constantFrom("'", '"', '\\', ';', '$', ' ', '\n', '\t', '-', '/', '*', 'E', '`', '%', '[', '#', ']', 'é', '🔑');
    const anyChar = anyCharacter();
    // Passwords that SASLprep changes cannot be verified through `pg`; the executor refuses them (tested below).
    const password = fc.array(fc.oneof(special, anyChar), { minLength: 8, maxLength: 40 }).map((chars) => chars.join('')).filter(isScramStable);
    await fc.assert(
      fc.asyncProperty(password, async (next) => {
        // Each run starts from the same password, so a failing run can be replayed and shrunk.
        await server.admin(`ALTER ROLE ${pg.escapeIdentifier(role)} PASSWORD 'prop-start'`);
        await rotate(role, 'prop-start', next);
        assert.equal(await server.canLogin(role, next), true);
      }),
      { numRuns: 25 },
    );
  });
});

