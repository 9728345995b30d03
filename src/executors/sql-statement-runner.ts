import { validationError } from '../domain/index.js';
import type { Device } from '../domain/index.js';
import type { SourceLocation } from '../templates/ast.js';
import { renderSqlStatement } from '../templates/sql/index.js';
import type { RenderedStatement, SqlProgram, SqlQuoting } from '../templates/sql/index.js';
import { FinalExecutorError } from './executor.js';
import type { ExecutionContext, ExecutorError, TranscriptWriter } from './executor.js';

/** One open database connection, as the SQL executors need it. */
export interface SqlSession {
  /** Runs one statement; resolves to a line for the transcript (`UPDATE 3`, `2 rows affected`). */
  execute(sql: string): Promise<string>;
  close(): Promise<void>;
}

/** A rendered statement and where it stands in the template. */
export interface PlacedStatement extends RenderedStatement {
  readonly loc: SourceLocation;
}

/**
 * Renders every statement of the program with its location, before anything is sent: an
 * unfilled mask fails the run here (`OST_MASK_UNFILLED`).
 */
export function placeStatements(program: SqlProgram, values: Readonly<Record<string, string>>, quoting: SqlQuoting): PlacedStatement[] {
  return program.statements.map((statement) => Object.freeze({ display: statement.text, sql: renderSqlStatement(statement, values, quoting), loc: statement.loc }));
}

export interface StatementRun {
  readonly session: SqlSession;
  readonly statements: readonly PlacedStatement[];
  readonly transcript: TranscriptWriter;
  readonly signal: AbortSignal;
  /** Turns a driver failure into what the engine should do; `what` names the statement. */
  readonly classify: (error: unknown, what: string) => ExecutorError;
  /** Runs after each statement succeeded; may throw to stop the run. */
  readonly afterStatement?: (statement: PlacedStatement, what: string) => Promise<void>;
}

/**
 * Runs the statements in order, each on its own round trip, stopping at the first failure.
 * The transcript shows each statement as written in the template (`> …`, masks by name,
 * never a value) and the server's answer (`< …`).
 */
export async function runSqlStatements(run: StatementRun): Promise<void> {
  for (const [position, statement] of run.statements.entries()) {
    const what = `statement ${position + 1} (line ${statement.loc.line})`;
    run.transcript.write(`> ${statement.display}\n`);
    try {
      run.transcript.write(`< ${await run.session.execute(statement.sql)}\n`);
    } catch (error) {
      if (run.signal.aborted) throw new FinalExecutorError('OST_EXEC_CANCELLED', `${what} was stopped`, { cause: run.signal.reason });
      const failure = run.classify(error, what);
      run.transcript.write(`! ${failure.message}\n`);
      throw failure;
    }
    await run.afterStatement?.(statement, what);
  }
}

/** `1 statement`, `3 statements`. */
export function statementCount(count: number): string {
  return `${count} statement${count === 1 ? '' : 's'}`;
}

/** The SQL executors need a device to connect to. */
export function deviceOf(device: Device | null): Device {
  if (device) return device;
  throw validationError('operation.deviceId', 'the operation needs a device to connect to');
}

/** The SQL executors log in with a password. */
export function loginOf(context: ExecutionContext): { username: string; password: string } {
  const login = context.login;
  if (login && typeof login.password === 'string') return { username: login.username, password: login.password };
  throw validationError('operation.credentialId', 'the operation needs a password credential to log in with');
}
