import { CompiledQuery, SqliteAdapter, SqliteDialect, SqliteDriver } from 'kysely';
import type { DatabaseConnection, DialectAdapter, Driver, SqliteDialectConfig } from 'kysely';

/**
 * Kysely's SQLite dialect with two changes that make writers from several processes safe:
 *
 * - transactions start with `BEGIN IMMEDIATE`: the write lock is taken up front, so a
 *   transaction that reads and then writes never fails to upgrade its lock while another
 *   process writes (it waits up to the busy timeout instead);
 * - the adapter declares transactional DDL (SQLite has it), so Kysely's migrator runs
 *   "read what is applied, apply the rest" in one such transaction: that transaction is the
 *   migration lock across processes, and a failed migration leaves nothing half-applied.
 *   (A future migration that rebuilds a table must use `PRAGMA defer_foreign_keys`, since
 *   `PRAGMA foreign_keys` cannot change inside a transaction.)
 */
export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}
