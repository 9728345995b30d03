import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';

/**
 * People, machines and the audit trail: local users, console sessions, API tokens, failed-
 * login counters, the hash-chained audit events and the chain's head (which also holds the
 * audit projector's position in the outbox). Append-only: never edit, add the next number.
 */
export function accessAndAuditMigration(): Migration {
  return {
    async up(db) {
      await createUsers(db);
      await createSessions(db);
      await createApiTokens(db);
      await createLoginFailures(db);
      await createAuditEvents(db);
      await createAuditHead(db);
    },
  };
}

type AnyDb = Kysely<unknown>;

async function createUsers(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('roles', 'text', (c) => c.notNull())
    .addColumn('disabled', 'boolean', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('users_username_unique', ['username'])
    .execute();
}

async function createSessions(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('source_address', 'text')
    .addUniqueConstraint('sessions_token_hash_unique', ['token_hash'])
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').columns(['user_id']).execute();
  await db.schema.createIndex('sessions_expires').on('sessions').columns(['expires_at']).execute();
}

async function createApiTokens(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addColumn('permissions', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .addColumn('last_used_at', 'bigint')
    .addUniqueConstraint('api_tokens_token_hash_unique', ['token_hash'])
    .execute();
  await db.schema.createIndex('api_tokens_user_created').on('api_tokens').columns(['user_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('api_tokens_created').on('api_tokens').columns(['created_at', 'id']).execute();
}

async function createLoginFailures(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('login_failures')
    .addColumn('key', 'text', (c) => c.primaryKey().notNull())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('first_failure_at', 'bigint', (c) => c.notNull())
    .addColumn('last_failure_at', 'bigint', (c) => c.notNull())
    .addColumn('locked_until', 'bigint')
    .execute();
}

// `seq` is assigned by the appender under the head lock, not by the database: it must be
// dense (1, 2, 3, …) so that a missing row shows as a gap.
async function createAuditEvents(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('audit_events')
    .addColumn('seq', 'bigint', (c) => c.primaryKey().notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('actor_name', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('object_type', 'text')
    .addColumn('object_id', 'text')
    .addColumn('reason', 'text')
    .addColumn('changes', 'text', (c) => c.notNull())
    .addColumn('source_address', 'text')
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addUniqueConstraint('audit_events_id_unique', ['id'])
    .execute();
  await db.schema.createIndex('audit_events_at').on('audit_events').columns(['at', 'seq']).execute();
  await db.schema.createIndex('audit_events_actor').on('audit_events').columns(['actor', 'seq']).execute();
  await db.schema.createIndex('audit_events_action').on('audit_events').columns(['action', 'seq']).execute();
  await db.schema.createIndex('audit_events_object').on('audit_events').columns(['object_type', 'object_id', 'seq']).execute();
}

/** One row: the chain's last seq and hash, and the outbox seq the projector has applied. */
async function createAuditHead(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('audit_head')
    .addColumn('id', 'integer', (c) => c.primaryKey().notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('outbox_seq', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  // The genesis head: no event yet, the all-zero hash the first event links to.
  await sql`insert into audit_head (id, seq, hash, outbox_seq, updated_at) values (1, 0, ${'0'.repeat(64)}, 0, 0)`.execute(db);
}
