import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { MIGRATION_TABLE } from '../../src/store/migrator.js';
import { migrationsFor } from '../../src/store/migrations/index.js';
import { sqliteSchemaTypes } from '../../src/store/sqlite/sqlite-schema-types.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { dialectSkip, freshDatabase, withRawDatabase } from '../support/stores.js';

const run = promisify(execFile);
const child = fileURLToPath(new URL('./migrate-child.ts', import.meta.url));

async function migrationRows(url: string): Promise<string[]> {
  return withRawDatabase(url, async (raw) => {
    const result = await sql<{ name: string }>`select name from ${sql.table(MIGRATION_TABLE)} order by name`.execute(raw.db);
    return result.rows.map((row) => row.name);
  });
}

/** Every migration, each recorded once (the names are the same for every dialect). */
const ALL_MIGRATIONS = Object.keys(migrationsFor(sqliteSchemaTypes));

describe('concurrent migrate() on one fresh PostgreSQL database', { skip: await dialectSkip('postgres') }, () => {
  let database: { url: string; remove(): Promise<void> };
  const stores: Store[] = [];
  before(async () => (database = await freshDatabase('postgres')));
  after(async () => {
    for (const store of stores) await store.close();
    await database?.remove();
  });

  it('three pools migrating at once all succeed, and each migration runs once', async () => {
    for (let i = 0; i < 3; i += 1) stores.push(await openStore({ url: database.url, migrate: false }));
    await Promise.all(stores.map((store) => store.migrate()));
    assert.deepEqual(await migrationRows(database.url), ALL_MIGRATIONS);
    // The schema is usable from every pool.
    const device = await stores[0]!.devices.create({ name: 'after-migrate', address: 'a' });
    assert.equal((await stores[2]!.devices.get(device.id))?.name, 'after-migrate');
  });
});

describe('concurrent migrations of one SQLite file from several processes', () => {
  let database: { url: string; remove(): Promise<void> };
  before(async () => (database = await freshDatabase('sqlite')));
  after(async () => database?.remove());

  it('three processes migrating at once all succeed, and each migration runs once', async () => {
    const runs = Array.from({ length: 3 }, () => run(process.execPath, ['--import', 'tsx', child, database.url]));
    await Promise.all(runs);
    assert.deepEqual(await migrationRows(database.url), ALL_MIGRATIONS);
    const store = await openStore({ url: database.url });
    try {
      assert.equal((await store.devices.list()).items.length, 0);
    } finally {
      await store.close();
    }
  });
});
