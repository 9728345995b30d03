import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import type { SchemaTypes } from '../schema-types.js';

/**
 * The core tables: devices, credentials and their fields, secrets and their versions,
 * templates and their versions, operations, attempts and the outbox. Append-only: never edit
 * a released migration, add the next number instead.
 */
export function coreMigration(types: SchemaTypes): Migration {
  return {
    async up(db) {
      await createDevices(db);
      await createSecrets(db, types);
      await createCredentials(db);
      await createTemplates(db);
      await createOperations(db);
      await createAttempts(db);
      await createOutbox(db, types);
    },
  };
}

// Migrations see the database without the app's row types: a migration must keep
// describing the schema as it was when it was written.
type AnyDb = Kysely<unknown>;

// Primary keys are declared NOT NULL explicitly: SQLite would otherwise accept NULL in a
// non-integer primary key.

async function createDevices(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('devices')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('port', 'integer', (c) => c.notNull())
    .addColumn('type', 'text')
    .addColumn('vendor', 'text')
    .addColumn('model', 'text')
    .addColumn('site', 'text')
    .addColumn('tags', 'text', (c) => c.notNull())
    .addColumn('host_key', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('devices_name_unique', ['name'])
    .execute();
}

async function createSecrets(db: AnyDb, types: SchemaTypes): Promise<void> {
  await db.schema
    .createTable('secrets')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('secret_versions')
    .addColumn('secret_id', 'text', (c) => c.notNull().references('secrets.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('master_key_id', 'text', (c) => c.notNull())
    .addColumn('wrapped_key', types.bytes, (c) => c.notNull())
    .addColumn('ciphertext', types.bytes, (c) => c.notNull())
    .addColumn('operation_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('secret_versions_pk', ['secret_id', 'version'])
    .execute();
  // At most one current and one pending version per secret (DESIGN.md §4).
  await db.schema
    .createIndex('secret_versions_one_live_state')
    .on('secret_versions')
    .columns(['secret_id', 'state'])
    .unique()
    .where(sql.ref('state'), 'in', ['current', 'pending'])
    .execute();
}

async function createCredentials(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('credentials')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id'))
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('secret_id', 'text', (c) => c.notNull().references('secrets.id'))
    .addColumn('passphrase_secret_id', 'text', (c) => c.references('secrets.id'))
    .addColumn('additional_info', 'text')
    .addColumn('domain', 'text')
    .addColumn('parent_id', 'text', (c) => c.references('credentials.id'))
    .addColumn('reconcile_credential_id', 'text', (c) => c.references('credentials.id'))
    .addColumn('sync_state', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('credentials_device_username_unique', ['device_id', 'username'])
    .execute();
  await db.schema
    .createTable('credential_fields')
    .addColumn('credential_id', 'text', (c) => c.notNull().references('credentials.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('value', 'text')
    .addColumn('secret_id', 'text', (c) => c.references('secrets.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('credential_fields_pk', ['credential_id', 'name'])
    .execute();
}

async function createTemplates(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('templates')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('executor', 'text', (c) => c.notNull())
    .addColumn('latest_version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('templates_name_unique', ['name'])
    .execute();
  await db.schema
    .createTable('template_versions')
    .addColumn('template_id', 'text', (c) => c.notNull().references('templates.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('template_versions_pk', ['template_id', 'version'])
    .execute();
}

// Operations keep no foreign keys to devices, credentials or templates: they are the
// history, and must outlive the objects they ran against.
async function createOperations(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('operations')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('executor', 'text', (c) => c.notNull())
    .addColumn('template_id', 'text', (c) => c.notNull())
    .addColumn('template_version', 'integer', (c) => c.notNull())
    .addColumn('device_id', 'text')
    .addColumn('credential_id', 'text')
    .addColumn('variables', 'text', (c) => c.notNull())
    .addColumn('requester', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('not_before', 'bigint', (c) => c.notNull())
    .addColumn('attempt_count', 'integer', (c) => c.notNull())
    .addColumn('retry_policy', 'text', (c) => c.notNull())
    .addColumn('timeouts', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'text')
    .addColumn('run_id', 'text')
    .addColumn('lease_owner', 'text')
    .addColumn('lease_expires_at', 'bigint')
    .addColumn('current_attempt_id', 'text')
    .addColumn('cancel_requested', 'boolean', (c) => c.notNull())
    .addColumn('last_error_code', 'text')
    .addColumn('last_error_message', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .execute();
  await createOperationIndexes(db);
}

async function createOperationIndexes(db: AnyDb): Promise<void> {
  // The claim query: due scheduled operations, most urgent first.
  await db.schema
    .createIndex('operations_claim')
    .on('operations')
    .columns(['status', 'priority desc', 'not_before', 'created_at'])
    .execute();
  await db.schema.createIndex('operations_lease').on('operations').columns(['status', 'lease_expires_at']).execute();
  // Running operations per device, for the per-device limit.
  await db.schema.createIndex('operations_device_status').on('operations').columns(['device_id', 'status']).execute();
  await db.schema.createIndex('operations_created').on('operations').columns(['created_at', 'id']).execute();
  await db.schema.createIndex('operations_run').on('operations').columns(['run_id']).execute();
  await db.schema.createIndex('operations_credential').on('operations').columns(['credential_id']).execute();
}

async function createAttempts(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('attempts')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('operation_id', 'text', (c) => c.notNull().references('operations.id').onDelete('cascade'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('worker_id', 'text', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('ended_at', 'bigint')
    .addColumn('outcome', 'text')
    .addColumn('error_code', 'text')
    .addColumn('message', 'text')
    .addColumn('transcript', 'text', (c) => c.notNull())
    .addUniqueConstraint('attempts_operation_number_unique', ['operation_id', 'number'])
    .execute();
}

/**
 * `id` is the insertion order; `seq` the delivery position, null until the dialect numbers
 * the row (in the writing transaction on SQLite, after commit on PostgreSQL: see
 * `outbox-positions.ts`). The unique index on `seq` serves readers (`seq > cursor`), the
 * numbering pass (`max(seq)`), and also finds the rows still to number, since both
 * databases keep NULLs in a B-tree and search them with `seq is null`: a partial index for
 * them would only add a write to every insert.
 */
async function createOutbox(db: AnyDb, types: SchemaTypes): Promise<void> {
  await db.schema
    .createTable('outbox_events')
    .addColumn('id', types.serialType, (c) => types.serialKey(c))
    .addColumn('seq', types.serialType)
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('outbox_events_seq').on('outbox_events').column('seq').unique().execute();
}
