import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import mysql from 'mysql2/promise';
import { OstiaryError } from '../../../src/domain/index.js';
import { ExecutorError } from '../../../src/executors/executor.js';
import { MysqlExecutor, mysqlQuoting } from '../../../src/executors/mysql/mysql-executor.js';
import { mysqlDialectFor, parseSqlTemplateOrThrow, renderSqlStatement } from '../../../src/templates/sql/index.js';
import { assertNoSecret, errorTexts, testContext, testDevice } from '../../support/executor-context.js';
import type { TestContextInput } from '../../support/executor-context.js';
import { MARIADB_HOST, MARIADB_PORT, MariadbScratch, mariadbSkip } from '../../support/mariadb.js';
import { anyCharacter } from '../../support/text-arbitraries.js';

const skip = await mariadbSkip();
/** What an account may run on itself in MariaDB (ALTER USER needs CREATE USER). */
const SELF_CHANGE = "SET PASSWORD FOR [#USERNAME#]@'%' = PASSWORD('[#NEW_PASSWORD#]')";
/** What an administrator runs for another account. */
const ADMIN_CHANGE = "ALTER USER [#USERNAME#]@'%' IDENTIFIED BY '[#NEW_PASSWORD#]'";
const HARD = `it's "q" \\ \\' ; $$ -- /* x  y\ttab é 日本 🔑 '' end\\`;

describe('mysql executor against MariaDB', { skip }, () => {
  const scratch = new MariadbScratch();
  const executor = new MysqlExecutor();
  const device = testDevice(MARIADB_HOST, MARIADB_PORT);

  after(async () => {
    await scratch.cleanup();
  });

  function contextFor(login: { username: string; password: string }, source: string, extra: Partial<TestContextInput> = {}) {
    return testContext({ executor: 'mysql', source, device, login, ...extra });
  }

  async function selfRotate(username: string, current: string, next: string) {
    const run = contextFor({ username, password: current }, SELF_CHANGE, { masks: { USERNAME: username, CURRENT_PASSWORD: current, NEW_PASSWORD: next } });
    const outcome = await executor.run(run.context);
    assertNoSecret(run.transcript(), [current, next]);
    return { outcome, transcript: run.transcript() };
  }

  it('rotates a user logged in as itself: the new password logs in, the old one no longer does', async () => {
    const user = await scratch.createUser('self', 'Old-pass-1');
    const { outcome, transcript } = await selfRotate(user, 'Old-pass-1', 'New-pass-2');
    assert.equal(outcome.summary, '1 statement');
    assert.match(transcript, /> SET PASSWORD FOR \[#USERNAME#\]@'%' = PASSWORD\('\[#NEW_PASSWORD#\]'\)\n< OK, 0 rows affected\n/);
    assert.equal(await scratch.canLogin(user, 'New-pass-2'), true);
    assert.equal(await scratch.canLogin(user, 'Old-pass-1'), false);
  });

  it('rotates another user through an administrator login (ALTER USER)', async () => {
    const user = await scratch.createUser('target', 'target-old');
    const run = contextFor({ username: 'root', password: '' }, ADMIN_CHANGE, { masks: { USERNAME: user, NEW_PASSWORD: 'target-new' } });
    await executor.run(run.context);
    assert.equal(await scratch.canLogin(user, 'target-new'), true);
    assert.equal(await scratch.canLogin(user, 'target-old'), false);
  });

  it("rotates to a password holding ' \" \\ ; $ spaces and unicode", async () => {
    const user = await scratch.createUser('hard', 'plain-old');
    await selfRotate(user, 'plain-old', HARD);
    assert.equal(await scratch.canLogin(user, HARD), true);
    assert.equal(await scratch.canLogin(user, 'plain-old'), false);
  });

  it('quotes a username that needs identifier quoting', async () => {
    const user = await scratch.createUser(`odd\`u'r"; x.y ${scratch.suffix}`, 'odd-old', { exact: true });
    await selfRotate(user, 'odd-old', 'odd-new');
    assert.equal(await scratch.canLogin(user, 'odd-new'), true);
    assert.equal(await scratch.canLogin(user, 'odd-old'), false);
  });

  it('injection attempts in a mask value only set that literal password', async () => {
    const database = await scratch.createDatabase('canary');
    await scratch.admin(`CREATE TABLE ${database}.canary (id int)`);
    const user = await scratch.createUser('inj', 'inj-old');
    await scratch.admin(`GRANT ALL ON ${database}.* TO ${mysql.escape(user)}@'%'`);
    let current = 'inj-old';
    for (const attack of [`x'); DROP TABLE ${database}.canary; -- `, `x\\'); DROP TABLE ${database}.canary; -- `, `x\\\\'); DROP TABLE ${database}.canary; #`]) {
      await selfRotate(user, current, attack);
      assert.equal(await scratch.canLogin(user, attack), true);
      current = attack;
    }
    const tables = await scratch.admin<{ n: number }[]>('SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = ? AND table_name = ?', [database, 'canary']);
    assert.equal(Number(tables[0]?.n), 1, 'the canary table must still exist');
  });

  it('classifies a rejected login as final OST_EXEC_AUTH without the password in the message', async () => {
    const user = await scratch.createUser('auth', 'auth-right');
    const run = contextFor({ username: user, password: 'auth-wrong-Secret' }, 'SELECT 1');
    const error = await executor.run(run.context).then(() => null, (caught: unknown) => caught);
    assert.ok(error instanceof ExecutorError);
    assert.equal(error.kind, 'final');
    assert.equal(error.code, 'OST_EXEC_AUTH');
    assert.match(error.message, /errno 1045/);
    assertNoSecret(errorTexts(error) + run.transcript(), ['auth-wrong-Secret']);
  });

  it('classifies a refused connection as retryable OST_EXEC_CONNECT', async () => {
    const run = testContext({ executor: 'mysql', source: 'SELECT 1', device: testDevice('127.0.0.1', 1), login: { username: 'x', password: 'y' } });
    const error = await executor.run(run.context).then(() => null, (caught: unknown) => caught);
    assert.ok(error instanceof ExecutorError);
    assert.equal(error.kind, 'retryable');
    assert.equal(error.code, 'OST_EXEC_CONNECT');
  });

  it('a SQL error is final OST_EXEC_STEP_FAILED, and the statement the server quotes back is redacted', async () => {
    const user = await scratch.createUser('sqlerr', 'sqlerr-pw');
    // A syntax error: MariaDB's message quotes the statement from the error on, password included.
    const source = "SELECT 1\nSET PASSWORD FOR [#USERNAME#]@'%' = PASSWORDD('[#NEW_PASSWORD#]')";
    const run = contextFor({ username: user, password: 'sqlerr-pw' }, source, { masks: { USERNAME: user, NEW_PASSWORD: 'Quoted-back-secret' } });
    const error = await executor.run(run.context).then(() => null, (caught: unknown) => caught);
    assert.ok(error instanceof ExecutorError);
    assert.equal(error.kind, 'final');
    assert.equal(error.code, 'OST_EXEC_STEP_FAILED');
    assert.match(error.message, /^statement 2 \(line 2\): .*\[REDACTED\].*errno 1064/);
    assertNoSecret(errorTexts(error) + run.transcript(), ['Quoted-back-secret', 'sqlerr-pw']);
  });

  it('stops before connecting when a mask has no value', async () => {
    const run = testContext({ executor: 'mysql', source: SELF_CHANGE, device: testDevice('127.0.0.1', 1), login: { username: 'a', password: 'b' }, masks: { USERNAME: 'a' } });
    await assert.rejects(executor.run(run.context), (error: unknown) => error instanceof OstiaryError && error.code === 'OST_MASK_UNFILLED');
    assert.equal(run.transcript(), '');
  });

  it('stops when a statement changes how sql_mode reads backslashes', async () => {
    const user = await scratch.createUser('mode', 'mode-pw');
    const source = "SET SESSION sql_mode = 'NO_BACKSLASH_ESCAPES'\nSELECT '[#NEW_PASSWORD#]'";
    const run = contextFor({ username: user, password: 'mode-pw' }, source, { masks: { NEW_PASSWORD: 'a\\b' } });
    const error = await executor.run(run.context).then(() => null, (caught: unknown) => caught);
    assert.ok(error instanceof ExecutorError);
    assert.equal(error.code, 'OST_EXEC_STEP_FAILED');
    assert.match(error.message, /^statement 1 \(line 1\) changed how sql_mode reads/);
    assert.doesNotMatch(run.transcript(), /> SELECT/);
  });

  it('verifyLogin accepts the right password, rejects a wrong one, and throws when it cannot tell', async () => {
    const user = await scratch.createUser('verify', 'verify-right');
    assert.equal(await executor.verifyLogin({ device, username: user, password: 'verify-right' }), 'accepted');
    assert.equal(await executor.verifyLogin({ device, username: user, password: 'verify-wrong' }), 'rejected');
    const error = await executor.verifyLogin({ device: testDevice('127.0.0.1', 1), username: user, password: 'x' }).then(() => null, (caught: unknown) => caught);
    assert.ok(error instanceof ExecutorError);
    assert.equal(error.kind, 'retryable');
  });

  it('cancelling destroys the connection and reports OST_EXEC_CANCELLED', async () => {
    const user = await scratch.createUser('cancel', 'cancel-pw');
    const controller = new AbortController();
    const run = contextFor({ username: user, password: 'cancel-pw' }, 'SELECT SLEEP(30)', { signal: controller.signal });
    const pending = executor.run(run.context).then(() => null, (caught: unknown) => caught);
    setTimeout(() => controller.abort(new Error('cancelled by test')), 300);
    const error = await pending;
    assert.ok(error instanceof ExecutorError);
    assert.equal(error.code, 'OST_EXEC_CANCELLED');
  });

  describe('literal quoting under each sql_mode, checked by the server', () => {
    const modes = ['', 'NO_BACKSLASH_ESCAPES', 'ANSI_QUOTES', 'ANSI_QUOTES,NO_BACKSLASH_ESCAPES'];
    const special = fc.constantFrom("'", '"', '\\', ';', '$', ' ', '\n', '\t', '\0', '\x1a', '%', '_', '`', '#', '-', 'é', '🔑');
    const anyChar = anyCharacter({ nul: true });
    const value = fc.array(fc.oneof(special, anyChar), { maxLength: 30 }).map((chars) => chars.join(''));

    for (const mode of modes) {
      it(`property: a rendered '…' literal reads back as exactly the value (sql_mode '${mode}')`, async () => {
        const connection = await mysql.createConnection({ host: MARIADB_HOST, port: MARIADB_PORT, user: 'root', password: '', charset: 'utf8mb4' });
        try {
          await connection.query(`SET SESSION sql_mode = '${mode}'`);
          const dialect = mysqlDialectFor(mode);
          const program = parseSqlTemplateOrThrow("SELECT 'x[#VALUE#]y' AS v, [#NAME#] AS n FROM (SELECT 1 AS `w'\\\"`) AS t", dialect);
          const statement = program.statements[0];
          assert.ok(statement);
          await fc.assert(
            fc.asyncProperty(value, async (secret) => {
              const sql = renderSqlStatement(statement, { VALUE: secret, NAME: 'w\'\\"' }, mysqlQuoting(dialect));
              const [rows] = await connection.query<mysql.RowDataPacket[]>(sql);
              assert.equal(rows[0]?.v, `x${secret}y`);
              assert.equal(rows[0]?.n, 1);
            }),
            { numRuns: 60 },
          );
        } finally {
          await connection.end();
        }
      });
    }
  });

  it('property: for random passwords the rendered change sets exactly that password', async () => {
    const user = await scratch.createUser('prop', 'prop-start');
    const special = fc.constantFrom("'", '"', '\\', ';', '$', ' ', '\n', '\t', '-', '/', '*', '`', '%', '[', '#', ']', 'é', '🔑');
    const anyChar = anyCharacter();
    const password = fc.array(fc.oneof(special, anyChar), { minLength: 8, maxLength: 40 }).map((chars) => chars.join(''));
    await fc.assert(
      fc.asyncProperty(password, async (next) => {
        // Each run starts from the same password, so a failing run can be replayed and shrunk.
        await scratch.admin(`ALTER USER ${mysql.escape(user)}@'%' IDENTIFIED BY 'prop-start'`);
        await selfRotate(user, 'prop-start', next);
        assert.equal(await scratch.canLogin(user, next), true);
      }),
      { numRuns: 25 },
    );
  });
});
