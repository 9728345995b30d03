import { escape, escapeId } from 'mysql2';
import { DEFAULT_TIMEOUTS, validationError } from '../../domain/index.js';
import type { Device, OperationTimeouts } from '../../domain/index.js';
import { MYSQL_SQL_DIALECT, mysqlDialectFor, parseSqlTemplateOrThrow } from '../../templates/sql/index.js';
import type { SqlDialect, SqlQuoting } from '../../templates/sql/index.js';
import { createRedactor } from '../../vault/index.js';
import type { Redactor } from '../../vault/index.js';
import { FinalExecutorError } from '../executor.js';
import type { ExecutionContext, ExecutionOutcome, Executor, LoginCheck, LoginVerdict } from '../executor.js';
import { parseExecutorConfig } from '../executor-config.js';
import { redactorInScope } from '../secrets-in-scope.js';
import { deviceOf, loginOf, placeStatements, runSqlStatements, statementCount } from '../sql-statement-runner.js';
import { classifyMysqlError, isMysqlAuthFailure } from './classify-mysql-error.js';
import { mysqlConfigSchema, mysqlTlsOptions } from './mysql-config.js';
import type { MysqlConfig } from './mysql-config.js';
import { MysqlSession } from './mysql-session.js';
import type { MysqlTarget } from './mysql-session.js';

/**
 * `mysql2`'s own quoting for a session whose SQL mode is `dialect`: `escape` backslash-escapes
 * the value; `escapeId` with qualified names forbidden, so a dot in a value stays inside one
 * identifier. Under `NO_BACKSLASH_ESCAPES` the literal is written here by doubling quotes, the
 * one escape that mode has: for a value with a backslash `mysql2` returns a `REPLACE(…)`
 * expression instead of a literal, which the grammar refuses where it wants a literal
 * (`IDENTIFIED BY '…'`, the host of an account).
 */
export function mysqlQuoting(dialect: SqlDialect): SqlQuoting {
  const literal = dialect.backslashEscapes
    ? (value: string) => escape(value, false, undefined, { noBackslashEscapes: false })
    : (value: string) => `'${value.replaceAll("'", "''")}'`;
  return Object.freeze({ literal, identifier: (value: string) => escapeId(value, true) });
}

/**
 * Runs a SQL-dialect template on MySQL or MariaDB (DESIGN §5). After logging in it reads the
 * session's `sql_mode` and parses the template under it, so `ANSI_QUOTES` and
 * `NO_BACKSLASH_ESCAPES` are honoured when deciding a mask's context and escaping it.
 */
export class MysqlExecutor implements Executor {
  readonly name = 'mysql';
  readonly configSchema = mysqlConfigSchema;

  async run(context: ExecutionContext): Promise<ExecutionOutcome> {
    const config = parseExecutorConfig(mysqlConfigSchema, context.executorConfig);
    // Parsed and rendered once under the default mode first, so a template error or an
    // unfilled mask stops the run before anything connects.
    placeStatements(parseSqlTemplateOrThrow(context.template.source, MYSQL_SQL_DIALECT), context.masks, mysqlQuoting(MYSQL_SQL_DIALECT));
    const target = mysqlTarget(deviceOf(context.device), config, loginOf(context), context.timeouts, context.signal);
    const redactor = redactorInScope(context);
    context.transcript.write(`connect ${describeTarget(target, config)}\n`);
    const session = await openSession(target, redactor);
    try {
      const dialect = await sessionDialect(session, target, redactor);
      if (dialect !== MYSQL_SQL_DIALECT) context.transcript.write(`sql_mode: ${describeDialect(dialect)}\n`);
      const statements = placeStatements(parseSqlTemplateOrThrow(context.template.source, dialect), context.masks, mysqlQuoting(dialect));
      await runSqlStatements({
        session, statements, transcript: context.transcript, signal: context.signal,
        classify: (error, what) => classifyMysqlError(error, what, (text) => redactor.redact(text)),
        afterStatement: (statement, what) => assertModeKept(session, target, redactor, dialect, statement.display, what),
      });
      return { summary: statementCount(statements.length) };
    } finally {
      await session.close();
    }
  }

  /** Connects as `username` with `password` and runs `SELECT 1`. */
  async verifyLogin(check: LoginCheck): Promise<LoginVerdict> {
    const config = parseExecutorConfig(mysqlConfigSchema, check.executorConfig);
    const target = mysqlTarget(check.device, config, check, check.timeouts ?? DEFAULT_TIMEOUTS, check.signal);
    const redactor = createRedactor([check.password]);
    let session: MysqlSession;
    try {
      session = await MysqlSession.open(target);
    } catch (error) {
      if (isMysqlAuthFailure(error)) return 'rejected';
      throw classifyConnectError(error, target, redactor);
    }
    try {
      await session.execute('SELECT 1');
      return 'accepted';
    } catch (error) {
      throw classifyMysqlError(error, 'SELECT 1 after login', (text) => redactor.redact(text));
    } finally {
      await session.close();
    }
  }
}

async function openSession(target: MysqlTarget, redactor: Redactor): Promise<MysqlSession> {
  try {
    return await MysqlSession.open(target);
  } catch (error) {
    throw classifyConnectError(error, target, redactor);
  }
}

async function sessionDialect(session: MysqlSession, target: MysqlTarget, redactor: Redactor): Promise<SqlDialect> {
  try {
    const mode = await session.sqlMode();
    const dialect = mysqlDialectFor(mode);
    const same = dialect.backslashEscapes === MYSQL_SQL_DIALECT.backslashEscapes && dialect.doubleQuotes === MYSQL_SQL_DIALECT.doubleQuotes;
    return same ? MYSQL_SQL_DIALECT : dialect;
  } catch (error) {
    if (target.signal?.aborted) throw new FinalExecutorError('OST_EXEC_CANCELLED', 'reading sql_mode was stopped', { cause: target.signal.reason });
    throw classifyMysqlError(error, 'read sql_mode', (text) => redactor.redact(text));
  }
}

/**
 * Masks were escaped for the mode read at login. A statement that changes `sql_mode`
 * (`SET sql_mode = …`) could make later escapes wrong — `\'` is no escape under
 * `NO_BACKSLASH_ESCAPES` — so the run stops if the quoting rules changed.
 */
async function assertModeKept(session: MysqlSession, target: MysqlTarget, redactor: Redactor, dialect: SqlDialect, text: string, what: string): Promise<void> {
  if (!/sql_mode/i.test(text)) return;
  const now = await sessionDialect(session, target, redactor);
  if (now.backslashEscapes === dialect.backslashEscapes && now.doubleQuotes === dialect.doubleQuotes) return;
  const message = `${what} changed how sql_mode reads quotes or backslashes; masks were escaped for the mode at login, so the run stops here (set the mode on the server instead)`;
  throw new FinalExecutorError('OST_EXEC_STEP_FAILED', message);
}

function classifyConnectError(error: unknown, target: MysqlTarget, redactor: Redactor): Error {
  const what = `connect to ${target.host}:${target.port}`;
  if (target.signal?.aborted) return new FinalExecutorError('OST_EXEC_CANCELLED', `${what} was stopped`, { cause: target.signal.reason });
  return classifyMysqlError(error, what, (text) => redactor.redact(text));
}

function mysqlTarget(
  device: Device,
  config: MysqlConfig,
  login: { readonly username: string; readonly password: string },
  timeouts: OperationTimeouts,
  signal: AbortSignal | undefined,
): MysqlTarget {
  if (login.username === '') throw validationError('credential.username', 'expected a non-empty username to log in to MySQL');
  return {
    host: device.address,
    port: config.port ?? device.port,
    database: config.database,
    tls: mysqlTlsOptions(config),
    username: login.username,
    password: login.password,
    connectMs: timeouts.connectMs,
    readMs: timeouts.readMs,
    ...(signal ? { signal } : {}),
  };
}

function describeTarget(target: MysqlTarget, config: MysqlConfig): string {
  const database = target.database === undefined ? 'no database' : `database ${JSON.stringify(target.database)}`;
  return `${target.host}:${target.port} ${database} as ${JSON.stringify(target.username)} (sslmode ${config.sslmode})`;
}

function describeDialect(dialect: SqlDialect): string {
  const quotes = dialect.doubleQuotes === 'identifier' ? 'ANSI_QUOTES' : null;
  const backslash = dialect.backslashEscapes ? null : 'NO_BACKSLASH_ESCAPES';
  return `${[quotes, backslash].filter(Boolean).join(', ')} (masks are escaped accordingly)`;
}
