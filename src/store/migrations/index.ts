import type { Migration, MigrationProvider } from 'kysely';
import type { SchemaTypes } from '../schema-types.js';
import { coreMigration } from './0001-core.js';

/**
 * Every migration, by number. The numbers are the same for every dialect; Kysely runs them
 * in name order. Add new ones at the end, never edit or renumber a released one.
 */
export function migrationsFor(types: SchemaTypes): Record<string, Migration> {
  return {
    '0001-core': coreMigration(types),
  };
}

export function migrationProvider(types: SchemaTypes): MigrationProvider {
  return { getMigrations: async () => migrationsFor(types) };
}
