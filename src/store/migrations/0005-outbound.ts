import type { Kysely, Migration } from 'kysely';
import type { SchemaTypes } from '../schema-types.js';

/**
 * Outbound delivery (DESIGN.md §7): the sinks events leave through (syslog, webhooks), each
 * sink's cursor into the outbox with its lease, failures and last error, and a short log of
 * delivery attempts. Append-only: never edit, add the next number.
 */
export function outboundMigration(types: SchemaTypes): Migration {
  return {
    async up(db) {
      await createSinks(db);
      await createSinkCursors(db);
      await createSinkDeliveries(db, types);
    },
  };
}

type AnyDb = Kysely<unknown>;

// A sink's signing secret (webhooks) lives in the vault's `secrets` table; the sink points at it.
async function createSinks(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('sinks')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('config', 'text', (c) => c.notNull())
    .addColumn('secret_id', 'text', (c) => c.references('secrets.id'))
    .addColumn('enabled', 'boolean', (c) => c.notNull())
    .addColumn('managed_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('sinks_name_unique', ['name'])
    .execute();
}

/** One row per sink: the last outbox seq delivered, the delivery lease, and failure bookkeeping. */
async function createSinkCursors(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('sink_cursors')
    .addColumn('sink_id', 'text', (c) => c.primaryKey().notNull().references('sinks.id').onDelete('cascade'))
    .addColumn('delivered_seq', 'bigint', (c) => c.notNull())
    .addColumn('delivered_at', 'bigint')
    .addColumn('delivered_count', 'bigint', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('total_failures', 'bigint', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('last_error_at', 'bigint')
    .addColumn('next_attempt_at', 'bigint')
    .addColumn('lease_owner', 'text')
    .addColumn('lease_expires_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

async function createSinkDeliveries(db: AnyDb, types: SchemaTypes): Promise<void> {
  await db.schema
    .createTable('sink_deliveries')
    .addColumn('id', types.serialType, (c) => types.serialKey(c))
    .addColumn('sink_id', 'text', (c) => c.notNull().references('sinks.id').onDelete('cascade'))
    .addColumn('first_seq', 'bigint', (c) => c.notNull())
    .addColumn('last_seq', 'bigint', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('ok', 'boolean', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('error', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sink_deliveries_sink').on('sink_deliveries').columns(['sink_id', 'id']).execute();
}
