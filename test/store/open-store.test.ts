import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { isPostgresUrl, openStore } from '../../src/store/open-store.js';
import { openSqliteDialect } from '../../src/store/sqlite/sqlite-dialect.js';
import { dialectSkip, freshDatabase } from '../support/stores.js';
import { rejectsWith } from './fixtures.js';

describe('openStore', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'ostiary-open-'))));
  after(async () => rm(dir, { recursive: true, force: true }));

  it('tells PostgreSQL URLs from SQLite paths', () => {
    assert.equal(isPostgresUrl('postgres://u@h/db'), true);
    assert.equal(isPostgresUrl('postgresql://u@h/db'), true);
    assert.equal(isPostgresUrl('./data/ostiary.db'), false);
    assert.equal(isPostgresUrl(':memory:'), false);
  });

  it('creates the SQLite file and its missing parent directories, and migrates it', async () => {
    const path = join(dir, 'a', 'b', 'ostiary.db');
    const store = await openStore({ url: path });
    try {
      assert.deepEqual(store.capabilities, { dialect: 'sqlite', multiProcess: false, crossProcessSignals: false });
      assert.ok(existsSync(path));
      assert.deepEqual((await store.devices.list()).items, []);
    } finally {
      await store.close();
    }
  });

  it('opens an in-memory SQLite database', async () => {
    const store = await openStore({ url: ':memory:' });
    try {
      const device = await store.devices.create({ name: 'mem', address: 'a' });
      assert.equal((await store.devices.get(device.id))?.name, 'mem');
    } finally {
      await store.close();
    }
  });

  it('sets WAL, a busy timeout, foreign keys and synchronous=NORMAL on SQLite', async () => {
    const dialect = openSqliteDialect(join(dir, 'pragmas.db'));
    try {
      const pragma = async (name: string) => Object.values((await sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(dialect.db)).rows[0] ?? {})[0];
      assert.equal(await pragma('journal_mode'), 'wal');
      assert.equal(await pragma('busy_timeout'), 5000);
      assert.equal(await pragma('foreign_keys'), 1);
      assert.equal(await pragma('synchronous'), 1);
    } finally {
      await dialect.close();
    }
  });

  it('with migrate: false, an unmigrated database fails as OST_STORE with the driver error as cause', async () => {
    const store = await openStore({ url: join(dir, 'empty.db'), migrate: false });
    try {
      const error = await rejectsWith(store.devices.list(), 'OST_STORE');
      assert.ok(error.cause instanceof Error);
      assert.match(error.message, /no such table: devices/);
    } finally {
      await store.close();
    }
  });

  it('refuses an empty URL, naming the setting', async () => {
    const error = await rejectsWith(openStore({ url: ' ' }), 'OST_VALIDATION');
    assert.equal(error.details.field, 'store.url');
  });
});

describe('openStore on PostgreSQL', { skip: await dialectSkip('postgres') }, () => {
  it('opens and migrates, with cross-process capabilities', async () => {
    const database = await freshDatabase('postgres');
    const store = await openStore({ url: database.url });
    try {
      assert.deepEqual(store.capabilities, { dialect: 'postgres', multiProcess: true, crossProcessSignals: true });
      const now = Date.now();
      const op = await store.operations.submit({
        type: 'task', executor: 'ssh', templateId: 't', templateVersion: 1, deviceId: null, credentialId: null, variables: {}, requester: 'a',
      });
      // bigint columns come back as numbers.
      assert.equal(typeof op.createdAt, 'number');
      assert.equal(typeof (await store.operations.get(op.id))?.notBefore, 'number');
      assert.ok(((await store.operations.get(op.id))?.createdAt ?? 0) >= now);
      assert.equal(typeof (await store.outbox.read(0, 1))[0]?.seq, 'number');
    } finally {
      await store.close();
      await database.remove();
    }
  });

  it('an unreachable server fails as OST_STORE and leaves nothing open', async () => {
    const error = await rejectsWith(openStore({ url: 'postgres://postgres@127.0.0.1:1/nothing' }), 'OST_STORE');
    assert.ok(error.cause);
  });
});
