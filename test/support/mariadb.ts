import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { requirePart } from './integration.js';

/**
 * The machine's MariaDB (127.0.0.1:3306, root without a password). Unlike the machine's
 * PostgreSQL it checks passwords, so tests create users of their own there — unique names,
 * host `%`, dropped afterwards — and prove real logins. Chosen over a throwaway instance:
 * it is already running, and users and databases are cheap to create and drop.
 */
export const MARIADB_HOST = process.env.OSTIARY_TEST_MARIADB_HOST ?? '127.0.0.1';
export const MARIADB_PORT = Number(process.env.OSTIARY_TEST_MARIADB_PORT ?? 3306);
const ADMIN_USER = process.env.OSTIARY_TEST_MARIADB_USER ?? 'root';
const ADMIN_PASSWORD = process.env.OSTIARY_TEST_MARIADB_PASSWORD ?? '';

const HOW_TO_START =
  'start it with `start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd`, ' +
  'or set OSTIARY_TEST_MARIADB_HOST/PORT/USER/PASSWORD to a server where that user may create users';

/** `{ skip }` value for tests that need MariaDB. */
export function mariadbSkip(): Promise<string | false> {
  return requirePart('MariaDB', async () => {
    const connection = await adminConnection();
    await connection.end();
    return true;
  }, HOW_TO_START);
}

/** Users and databases one test file made; `cleanup()` drops them all. */
export class MariadbScratch {
  readonly #users = new Set<string>();
  readonly #databases = new Set<string>();
  readonly suffix = randomBytes(4).toString('hex');

  /** Runs one statement as the admin. */
  async admin<T = unknown>(sql: string, values?: unknown[]): Promise<T> {
    const connection = await adminConnection();
    try {
      const [rows] = await connection.query(sql, values);
      return rows as T;
    } finally {
      await connection.end();
    }
  }

  /** Creates `name@'%'` with a password; the name is made unique unless `exact`. */
  async createUser(base: string, password: string, options: { exact?: boolean } = {}): Promise<string> {
    const name = options.exact ? base : `${base}_${this.suffix}`;
    this.#users.add(name);
    await this.admin(`CREATE USER ${mysql.escape(name)}@'%' IDENTIFIED BY ${mysql.escape(password)}`);
    return name;
  }

  async createDatabase(base: string): Promise<string> {
    const name = `ostiary_t_${base}_${this.suffix}`;
    this.#databases.add(name);
    await this.admin(`CREATE DATABASE ${mysql.escapeId(name)}`);
    return name;
  }

  /** A real password login over TCP: true when the server accepted it. */
  async canLogin(username: string, password: string): Promise<boolean> {
    try {
      const connection = await mysql.createConnection({ host: MARIADB_HOST, port: MARIADB_PORT, user: username, password, charset: 'utf8mb4', connectTimeout: 5000 });
      await connection.query('SELECT 1');
      await connection.end();
      return true;
    } catch (error) {
      if ((error as { errno?: number }).errno === 1045) return false;
      throw error;
    }
  }

  async cleanup(): Promise<void> {
    for (const user of this.#users) await this.admin(`DROP USER IF EXISTS ${mysql.escape(user)}@'%'`);
    for (const database of this.#databases) await this.admin(`DROP DATABASE IF EXISTS ${mysql.escapeId(database)}`);
    this.#users.clear();
    this.#databases.clear();
  }
}

function adminConnection(): Promise<mysql.Connection> {
  return mysql.createConnection({ host: MARIADB_HOST, port: MARIADB_PORT, user: ADMIN_USER, password: ADMIN_PASSWORD, charset: 'utf8mb4', connectTimeout: 5000 });
}
