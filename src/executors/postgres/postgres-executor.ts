import { escapeIdentifier, escapeLiteral } from 'pg';
import { DEFAULT_TIMEOUTS, validationError } from '../../domain/index.js';
import type { Device, OperationTimeouts } from '../../domain/index.js';
import { POSTGRES_SQL_DIALECT, parseSqlTemplateOrThrow } from '../../templates/sql/index.js';
import type { SqlQuoting } from '../../templates/sql/index.js';
import { createRedactor } from '../../vault/index.js';
import type { Redactor } from '../../vault/index.js';
import { FinalExecutorError } from '../executor.js';
import type { ExecutionContext, ExecutionOutcome, Executor, LoginCheck, LoginVerdict } from '../executor.js';
import { parseExecutorConfig } from '../executor-config.js';
import { redactorInScope } from '../secrets-in-scope.js';
import { deviceOf, loginOf, placeStatements, runSqlStatements, statementCount } from '../sql-statement-runner.js';
import { classifyPostgresError, isPostgresAuthFailure } from './classify-postgres-error.js';
import { postgresConfigSchema, postgresTlsOptions } from './postgres-config.js';
import type { PostgresConfig } from './postgres-config.js';
import { PostgresSession } from './postgres-session.js';
import { assertNewPasswordVerifiable } from './scram-password.js';
import type { PostgresTarget } from './postgres-session.js';

/** `pg`'s own quoting: `escapeLiteral` switches to `E'…'` when the value holds a backslash. */
export const POSTGRES_QUOTING: SqlQuoting = Object.freeze({ literal: escapeLiteral, identifier: escapeIdentifier });

/**
 * Runs a SQL-dialect template on PostgreSQL (DESIGN §5): logs in to the device as the
 * operation's login, runs each statement in order, and logs out. Masks are escaped for
 * their context by `pg`'s quoting; the transcript shows statements as written.
 */
export class PostgresExecutor implements Executor {
  readonly name = 'postgres';
  readonly configSchema = postgresConfigSchema;

  async run(context: ExecutionContext): Promise<ExecutionOutcome> {
    const config = parseExecutorConfig(postgresConfigSchema, context.executorConfig);
    const program = parseSqlTemplateOrThrow(context.template.source, POSTGRES_SQL_DIALECT);
    const statements = placeStatements(program, context.masks, POSTGRES_QUOTING);
    assertNewPasswordVerifiable(context.masks);
    const login = loginOf(context);
    const target = postgresTarget(deviceOf(context.device), config, login, context.timeouts, context.signal);
    const redactor = redactorInScope(context);
    context.transcript.write(`connect ${describeTarget(target, config)}\n`);
    const session = await openSession(target, redactor);
    try {
      await runSqlStatements({
        session, statements, transcript: context.transcript, signal: context.signal,
        classify: (error, what) => classifyPostgresError(error, what, (text) => redactor.redact(text)),
        afterStatement: (statement, what) => assertStandardStrings(session, statement.display, what),
      });
    } finally {
      await session.close();
    }
    return { summary: statementCount(statements.length) };
  }

  /** Connects as `username` with `password` and runs `SELECT 1`. */
  async verifyLogin(check: LoginCheck): Promise<LoginVerdict> {
    const config = parseExecutorConfig(postgresConfigSchema, check.executorConfig);
    const target = postgresTarget(check.device, config, check, check.timeouts ?? DEFAULT_TIMEOUTS, check.signal);
    const redactor = createRedactor([check.password]);
    let session: PostgresSession;
    try {
      session = await PostgresSession.open(target);
    } catch (error) {
      if (isPostgresAuthFailure(error)) return 'rejected';
      throw classifyConnectError(error, target, redactor);
    }
    try {
      await session.execute('SELECT 1');
      return 'accepted';
    } catch (error) {
      throw classifyPostgresError(error, 'SELECT 1 after login', (text) => redactor.redact(text));
    } finally {
      await session.close();
    }
  }
}

/**
 * The parser read the template with `standard_conforming_strings` on. A statement that may
 * turn it off (`SET standard_conforming_strings`, `RESET`, `DISCARD`) would make the server
 * read later template text differently — a mask the parser placed outside a literal could
 * land inside one — so the run stops if it is off.
 */
async function assertStandardStrings(session: PostgresSession, text: string, what: string): Promise<void> {
  if (!/standard_conforming_strings|\bRESET\b|\bDISCARD\b/i.test(text)) return;
  if (await session.standardStrings()) return;
  throw new FinalExecutorError('OST_EXEC_STEP_FAILED', `${what} turned standard_conforming_strings off; masks were placed for it on, so the run stops here`);
}

async function openSession(target: PostgresTarget, redactor: Redactor): Promise<PostgresSession> {
  try {
    return await PostgresSession.open(target);
  } catch (error) {
    throw classifyConnectError(error, target, redactor);
  }
}

function classifyConnectError(error: unknown, target: PostgresTarget, redactor: Redactor): Error {
  const what = `connect to ${target.host}:${target.port}`;
  if (target.signal?.aborted) return new FinalExecutorError('OST_EXEC_CANCELLED', `${what} was stopped`, { cause: target.signal.reason });
  return classifyPostgresError(error, what, (text) => redactor.redact(text));
}

function postgresTarget(
  device: Device,
  config: PostgresConfig,
  login: { readonly username: string; readonly password: string },
  timeouts: OperationTimeouts,
  signal: AbortSignal | undefined,
): PostgresTarget {
  if (login.username === '') throw validationError('credential.username', 'expected a non-empty username to log in to PostgreSQL');
  return {
    host: device.address,
    port: config.port ?? device.port,
    database: config.database,
    tls: postgresTlsOptions(config),
    username: login.username,
    password: login.password,
    connectMs: timeouts.connectMs,
    readMs: timeouts.readMs,
    ...(signal ? { signal } : {}),
  };
}

function describeTarget(target: PostgresTarget, config: PostgresConfig): string {
  return `${target.host}:${target.port} database ${JSON.stringify(target.database)} as ${JSON.stringify(target.username)} (sslmode ${config.sslmode})`;
}
