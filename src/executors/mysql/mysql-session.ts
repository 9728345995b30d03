import mysql from 'mysql2';
import type { Connection, QueryResult, SslOptions } from 'mysql2';
import type { SqlSession } from '../sql-statement-runner.js';

/** Where and as whom to log in. */
export interface MysqlTarget {
  readonly host: string;
  readonly port: number;
  readonly database: string | undefined;
  readonly tls: SslOptions | undefined;
  readonly username: string;
  readonly password: string;
  readonly connectMs: number;
  /** Limit for each statement, enforced by the client. */
  readonly readMs: number;
  /** Aborting destroys the connection and fails whatever is in flight. */
  readonly signal?: AbortSignal;
}

/**
 * One connection to MySQL or MariaDB, as the target's login, one statement per round trip
 * (`multipleStatements` off, so a value can never smuggle in a second statement).
 */
export class MysqlSession implements SqlSession {
  readonly #connection: Connection;
  readonly #target: MysqlTarget;

  private constructor(connection: Connection, target: MysqlTarget) {
    this.#connection = connection;
    this.#target = target;
  }

  static async open(target: MysqlTarget): Promise<MysqlSession> {
    target.signal?.throwIfAborted();
    const connection = mysql.createConnection(connectionOptions(target));
    // A connection the server drops emits 'error'; without a listener it would crash the worker.
    connection.on('error', () => undefined);
    const connected = new Promise<void>((resolve, reject) => connection.connect((error) => (error ? reject(error) : resolve())));
    try {
      await abortable(connected, target.signal, () => connection.destroy());
    } catch (error) {
      connection.destroy();
      throw error;
    }
    return new MysqlSession(connection, target);
  }

  /** The session's `@@sql_mode`, which decides how the server reads quotes and backslashes. */
  async sqlMode(): Promise<string> {
    const rows = await this.#query('SELECT @@SESSION.sql_mode AS mode');
    const first = Array.isArray(rows) ? (rows[0] as { mode?: unknown } | undefined) : undefined;
    return typeof first?.mode === 'string' ? first.mode : '';
  }

  /** Runs one statement; resolves to `N rows` for a result set, else `OK, N rows affected`. */
  async execute(sql: string): Promise<string> {
    const result = await this.#query(sql);
    if (Array.isArray(result)) return `${result.length} row${result.length === 1 ? '' : 's'}`;
    const affected = 'affectedRows' in result ? result.affectedRows : 0;
    return `OK, ${affected} row${affected === 1 ? '' : 's'} affected`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.#connection.end(() => resolve()));
    this.#connection.destroy();
  }

  #query(sql: string): Promise<QueryResult> {
    const pending = new Promise<QueryResult>((resolve, reject) => {
      this.#connection.query<QueryResult>({ sql, timeout: this.#target.readMs }, (error, result) => (error ? reject(error) : resolve(result)));
    });
    return abortable(pending, this.#target.signal, () => this.#connection.destroy());
  }
}

function connectionOptions(target: MysqlTarget): mysql.ConnectionOptions {
  return {
    host: target.host,
    port: target.port,
    user: target.username,
    password: target.password,
    ...(target.database === undefined ? {} : { database: target.database }),
    ...(target.tls === undefined ? {} : { ssl: target.tls }),
    connectTimeout: target.connectMs,
    charset: 'utf8mb4',
    multipleStatements: false,
  };
}

/** Settles with `work`, or rejects with the signal's reason as soon as it aborts (after `onAbort` tore things down). */
function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined, onAbort: () => void): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => {
      onAbort();
      reject(signal.reason);
    };
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}
