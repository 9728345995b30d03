import { Migrator } from 'kysely';
import type { Kysely, MigrationResultSet } from 'kysely';
import { OstiaryError } from '../domain/index.js';
import type { Database } from './database.js';
import { migrationProvider } from './migrations/index.js';
import type { SchemaTypes } from './schema-types.js';

/** Our own bookkeeping table names, so Ostiary can share a database with other Kysely apps. */
export const MIGRATION_TABLE = 'ostiary_migration';
export const MIGRATION_LOCK_TABLE = 'ostiary_migration_lock';

/**
 * Kysely's migrator takes a lock before it looks at what is pending (an advisory lock on
 * PostgreSQL, the single connection on SQLite), and creates its own tables tolerating a
 * concurrent creator, so several processes may call this at once.
 */
export function createMigrator(db: Kysely<Database>, types: SchemaTypes): Migrator {
  return new Migrator({
    db,
    provider: migrationProvider(types),
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
  });
}

/** Applies every pending migration; throws `OST_STORE` naming the migration that failed. */
export async function migrateToLatest(db: Kysely<Database>, types: SchemaTypes): Promise<void> {
  assertMigrated(await createMigrator(db, types).migrateToLatest());
}

export function assertMigrated({ error, results }: MigrationResultSet): void {
  if (error === undefined) return;
  const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'setup';
  throw new OstiaryError('OST_STORE', `database migration ${failed} failed`, {
    cause: error,
    details: { migration: failed },
  });
}
