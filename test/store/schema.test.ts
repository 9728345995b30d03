import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/store/database.js';
import { createMigrator, migrateToLatest } from '../../src/store/migrator.js';
import { migrationsFor } from '../../src/store/migrations/index.js';
import type { StoreDialect } from '../../src/store/store-dialect.js';
import { dialectSkip, dialects, freshDatabase, withRawDatabase, type Dialect } from '../support/stores.js';

interface SchemaShape {
  readonly tables: Record<string, Record<string, { type: string; nullable: boolean; autoIncrement: boolean }>>;
  readonly indexes: readonly string[];
}

async function describeSchema(dialect: Dialect, raw: StoreDialect): Promise<SchemaShape> {
  const tables: SchemaShape['tables'] = {};
  for (const table of await raw.db.introspection.getTables()) {
    tables[table.name] = Object.fromEntries(
      table.columns.map((c) => [c.name, { type: c.dataType, nullable: c.isNullable, autoIncrement: c.isAutoIncrementing }]),
    );
  }
  return { tables, indexes: await indexDefinitions(dialect, raw.db) };
}

/** Index definitions as the database prints them (Kysely's introspection has no indexes). */
async function indexDefinitions(dialect: Dialect, db: Kysely<Database>): Promise<string[]> {
  const query =
    dialect === 'sqlite'
      ? sql<{ def: string }>`select coalesce(sql, name) as def from sqlite_master where type = 'index' order by name`
      : sql<{ def: string }>`select indexdef as def from pg_indexes where schemaname = 'public' order by indexname`;
  return (await query.execute(db)).rows.map((row) => row.def);
}

/** Names only: SQLite and PostgreSQL spell types differently, but the columns and nullability must agree. */
function columnsOf(shape: SchemaShape): Record<string, Record<string, boolean>> {
  return Object.fromEntries(
    Object.entries(shape.tables).map(([table, columns]) => [table, Object.fromEntries(Object.entries(columns).map(([name, c]) => [name, c.nullable]))]),
  );
}

async function withEmptyDatabase<T>(dialect: Dialect, fn: (raw: StoreDialect) => Promise<T>): Promise<T> {
  const database = await freshDatabase(dialect);
  try {
    return await withRawDatabase(database.url, fn);
  } finally {
    await database.remove();
  }
}

const shapes = new Map<Dialect, SchemaShape>();

for (const dialect of dialects) {
  describe(`schema migrations (${dialect})`, { skip: await dialectSkip(dialect) }, () => {
    it('migrating step by step gives the same schema as migrating to latest at once', async () => {
      const atOnce = await withEmptyDatabase(dialect, async (raw) => {
        await migrateToLatest(raw.db, raw.schemaTypes);
        return describeSchema(dialect, raw);
      });
      const stepwise = await withEmptyDatabase(dialect, async (raw) => {
        const migrator = createMigrator(raw.db, raw.schemaTypes);
        let steps = 0;
        for (;;) {
          const { error, results } = await migrator.migrateUp();
          assert.equal(error, undefined);
          if (!results || results.length === 0) break;
          assert.equal(results.length, 1, 'migrateUp runs one migration');
          steps += 1;
        }
        assert.equal(steps, Object.keys(migrationsFor(raw.schemaTypes)).length);
        return describeSchema(dialect, raw);
      });
      assert.deepEqual(stepwise, atOnce);
      assert.ok(Object.keys(atOnce.tables).length >= 10);
      shapes.set(dialect, atOnce);
    });

    it('migrating again is a no-op', async () => {
      await withEmptyDatabase(dialect, async (raw) => {
        await migrateToLatest(raw.db, raw.schemaTypes);
        const first = await describeSchema(dialect, raw);
        await migrateToLatest(raw.db, raw.schemaTypes);
        assert.deepEqual(await describeSchema(dialect, raw), first);
      });
    });

    it('has the tables and indexes the queue relies on', () => {
      const shape = shapes.get(dialect);
      assert.ok(shape);
      for (const table of ['devices', 'credentials', 'credential_fields', 'secrets', 'secret_versions', 'templates', 'template_versions', 'operations', 'attempts', 'outbox_events']) {
        assert.ok(shape.tables[table], `table ${table}`);
      }
      for (const index of ['operations_claim', 'operations_lease', 'operations_device_running', 'operations_device', 'secret_versions_one_live_state']) {
        assert.ok(shape.indexes.some((def) => def.includes(index)), `index ${index}`);
      }
      // The queue's indexes hold only the live rows they serve (migration 0007).
      for (const [index, status] of [['operations_claim', 'scheduled'], ['operations_lease', 'running'], ['operations_device_running', 'running']]) {
        const def = shape.indexes.find((candidate) => new RegExp(`\\b${index}\\b`).test(candidate)) ?? '';
        assert.match(def, new RegExp(`where.*status.*'${status}'`, 'i'), `${index} is partial: ${def}`);
      }
      assert.equal(shape.tables.outbox_events?.id?.autoIncrement, true);
    });
  });
}

describe('schema: SQLite and PostgreSQL agree', { skip: await dialectSkip('postgres') }, () => {
  it('have the same tables and columns, with the same nullability', () => {
    const [sqlite, postgres] = [shapes.get('sqlite'), shapes.get('postgres')];
    assert.ok(sqlite && postgres, 'both dialects were migrated above');
    assert.deepEqual(columnsOf(sqlite), columnsOf(postgres));
  });
});
