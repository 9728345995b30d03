import type { Migration, MigrationProvider } from 'kysely';
import type { SchemaTypes } from '../schema-types.js';
import { coreMigration } from './0001-core.js';
import { accessAndAuditMigration } from './0002-access-and-audit.js';
import { taskManagerMigration } from './0003-task-manager.js';
import { rotationMigration } from './0004-rotation.js';
import { outboundMigration } from './0005-outbound.js';
import { claimOrderIndexMigration } from './0006-claim-order-index.js';
import { partialQueueIndexesMigration } from './0007-partial-queue-indexes.js';

/**
 * Every migration, by number. The numbers are the same for every dialect; Kysely runs them
 * in name order. Add new ones at the end, never edit or renumber a released one.
 */
export function migrationsFor(types: SchemaTypes): Record<string, Migration> {
  return {
    '0001-core': coreMigration(types),
    '0002-access-and-audit': accessAndAuditMigration(),
    '0003-task-manager': taskManagerMigration(),
    '0004-rotation': rotationMigration(),
    '0005-outbound': outboundMigration(types),
    '0006-claim-order-index': claimOrderIndexMigration(),
    '0007-partial-queue-indexes': partialQueueIndexesMigration(),
  };
}

export function migrationProvider(types: SchemaTypes): MigrationProvider {
  return { getMigrations: async () => migrationsFor(types) };
}
