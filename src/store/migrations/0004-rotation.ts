import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';

/**
 * Credential rotation (DESIGN.md §4): profiles applied at registration by criteria, each
 * credential's rotation settings, and the rotation journal whose partial unique index is the
 * per-credential lock — one unfinished rotation per credential, enforced by the database on
 * every dialect. Append-only: never edit, add the next number.
 */
export function rotationMigration(): Migration {
  return {
    async up(db) {
      await createProfiles(db);
      await createSettings(db);
      await createRotations(db);
    },
  };
}

type AnyDb = Kysely<unknown>;

async function createProfiles(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('rotation_profiles')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    // Criteria: a null column matches anything.
    .addColumn('device_type', 'text')
    .addColumn('vendor', 'text')
    .addColumn('model', 'text')
    .addColumn('credential_kind', 'text')
    .addColumn('policy', 'text', (c) => c.notNull())
    .addColumn('executor', 'text')
    .addColumn('change_template_id', 'text')
    .addColumn('verify_template_id', 'text')
    .addColumn('reconcile_template_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('rotation_profiles_name_unique', ['name'])
    .execute();
}

async function createSettings(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('credential_rotation')
    .addColumn('credential_id', 'text', (c) => c.primaryKey().notNull().references('credentials.id').onDelete('cascade'))
    .addColumn('profile_id', 'text', (c) => c.references('rotation_profiles.id').onDelete('set null'))
    .addColumn('policy', 'text', (c) => c.notNull())
    // Copied out of the policy so the expiry scan is one indexed query.
    .addColumn('period_ms', 'bigint')
    .addColumn('executor', 'text', (c) => c.notNull())
    .addColumn('change_template_id', 'text', (c) => c.notNull())
    .addColumn('verify_template_id', 'text')
    .addColumn('reconcile_template_id', 'text')
    .addColumn('executor_config', 'text')
    .addColumn('last_rotated_at', 'bigint')
    // 0/1: the first change was requested by a person or client (DESIGN.md §4).
    .addColumn('manual_done', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('credential_rotation_due').on('credential_rotation').columns(['manual_done', 'last_rotated_at']).execute();
}

// Like operations, rotations are history: no foreign key to the credential they changed.
async function createRotations(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('rotations')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('credential_id', 'text', (c) => c.notNull())
    .addColumn('operation_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('requester', 'text', (c) => c.notNull())
    .addColumn('parent_rotation_id', 'text')
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('error_code', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .addUniqueConstraint('rotations_operation_unique', ['operation_id'])
    .execute();
  // The per-credential lock: at most one unfinished rotation per credential.
  await db.schema
    .createIndex('rotations_one_active')
    .on('rotations')
    .column('credential_id')
    .unique()
    .where(sql.ref('finished_at'), 'is', null)
    .execute();
  await db.schema.createIndex('rotations_credential_created').on('rotations').columns(['credential_id', 'created_at', 'id']).execute();
}
