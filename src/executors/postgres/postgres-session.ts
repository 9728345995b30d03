import pg from 'pg';
import type { ConnectionOptions } from 'node:tls';

/** Where and as whom to log in. */
export interface PostgresTarget {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly tls: ConnectionOptions | false;
  readonly username: string;
  readonly password: string;
  readonly connectMs: number;
  /** Limit for each statement, enforced by the client and by the server (`statement_timeout`), in ms. */
  readonly readMs: number;
  /** Aborting ends the connection, failing whatever is in flight. */
  readonly signal?: AbortSignal;
}

/**
 * One connection to PostgreSQL, as the target's login. The session runs with
 * `standard_conforming_strings` on, which is what the SQL template parser assumes: a
 * backslash in a plain '…' literal is an ordinary character.
 */
export class PostgresSession {
  readonly #client: pg.Client;
  readonly #detach: () => void;

  private constructor(client: pg.Client, detach: () => void) {
    this.#client = client;
    this.#detach = detach;
  }

  static async open(target: PostgresTarget): Promise<PostgresSession> {
    target.signal?.throwIfAborted();
    const client = new pg.Client(clientConfig(target));
    // An idle connection the server drops emits 'error'; without a listener it would crash the worker.
    client.on('error', () => undefined);
    const abort = (): void => void client.end().catch(() => undefined);
    target.signal?.addEventListener('abort', abort, { once: true });
    const detach = (): void => target.signal?.removeEventListener('abort', abort);
    try {
      await client.connect();
      // Set after login rather than as startup options, which connection poolers such as
      // PgBouncer refuse. A plain SET takes no parameters; the timeout is an integer we made.
      await client.query(`SET standard_conforming_strings = on; SET statement_timeout = ${Math.floor(target.readMs)}`);
    } catch (error) {
      detach();
      await client.end().catch(() => undefined);
      throw error;
    }
    return new PostgresSession(client, detach);
  }

  /** Runs one statement; resolves to its command tag, e.g. `ALTER ROLE` or `UPDATE 3`. */
  async execute(sql: string): Promise<string> {
    const result = await this.#client.query(sql);
    const command = result.command ?? 'OK';
    const counted = result.rowCount !== null && result.rowCount !== undefined && /^(SELECT|INSERT|UPDATE|DELETE|MERGE|COPY|FETCH|MOVE)$/.test(command);
    return counted ? `${command} ${result.rowCount}` : command;
  }

  /** Whether the session still reads a backslash in '…' as an ordinary character. */
  async standardStrings(): Promise<boolean> {
    const result = await this.#client.query<{ standard_conforming_strings: string }>('SHOW standard_conforming_strings');
    return result.rows[0]?.standard_conforming_strings === 'on';
  }

  async close(): Promise<void> {
    this.#detach();
    await this.#client.end().catch(() => undefined);
  }
}

function clientConfig(target: PostgresTarget): pg.ClientConfig {
  return {
    host: target.host,
    port: target.port,
    database: target.database,
    user: target.username,
    // A function, so an empty password is sent as such instead of falling back to
    // PGPASSWORD or ~/.pgpass, which `pg` consults for a missing (falsy) password.
    password: () => target.password,
    ssl: target.tls,
    connectionTimeoutMillis: target.connectMs,
    query_timeout: target.readMs,
    application_name: 'ostiary',
  };
}
