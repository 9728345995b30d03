import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { dialectSkip, freshStore, type FreshStore } from '../support/stores.js';
import { newOperation } from './fixtures.js';

/**
 * PostgreSQL numbers outbox rows after their transaction commits (`OutboxSequencer`). These
 * tests hold transactions open on raw connections, which SQLite's single writer cannot do.
 */
describe('outbox numbering under open and interleaved transactions (postgres)', { skip: await dialectSkip('postgres') }, () => {
  let fresh: FreshStore;
  const clients: pg.Client[] = [];
  before(async () => (fresh = await freshStore('postgres')));
  after(async () => {
    await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
    await fresh?.cleanup();
  });

  async function connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: fresh.url });
    clients.push(client);
    await client.connect();
    return client;
  }

  async function insertEvent(client: pg.Client, type: string, subjectId: string): Promise<void> {
    await client.query('insert into outbox_events (type, subject_id, payload, created_at) values ($1, $2, $3, $4)', [type, subjectId, '{}', Date.now()]);
  }

  it('an open transaction holds back only its own event: later commits are delivered, it follows once committed, nothing skipped', async () => {
    const start = await fresh.store.outbox.head();
    const open = await connect();
    await open.query('begin');
    // An operation and its event, as a writer mid-transaction would have them.
    await open.query(`insert into operations (id, type, executor, template_id, template_version, variables, requester, status, priority, not_before,
      attempt_count, retry_policy, timeouts, cancel_requested, created_at, updated_at)
      values ('op-held', 'task', 'ssh', 't', 1, '{}', 'held', 'scheduled', 0, 0, 0, '{}', '{}', false, 0, 0)`);
    await insertEvent(open, 'operation.scheduled', 'op-held');

    const later = await Promise.all(Array.from({ length: 5 }, () => fresh.store.operations.submit(newOperation({ requester: 'later' }))));
    const whileOpen = await fresh.store.outbox.read(start, 100);
    assert.deepEqual(new Set(whileOpen.map((e) => e.subjectId)), new Set(later.map((operation) => operation.id)));
    const cursor = whileOpen.at(-1)?.seq ?? start;
    assert.deepEqual(await fresh.store.outbox.read(cursor, 100), [], 'the uncommitted event is not delivered');

    await open.query('commit');
    const afterCommit = await fresh.store.outbox.read(cursor, 100);
    assert.deepEqual(afterCommit.map((e) => [e.seq, e.subjectId]), [[cursor + 1, 'op-held']], 'it takes the next position, above all seen');
    const all = await fresh.store.outbox.read(start, 100);
    assert.deepEqual(all.map((e) => e.seq), Array.from({ length: 6 }, (_, i) => start + i + 1));
  });

  it('a raw transaction that rolls back leaves no gap', async () => {
    const start = await fresh.store.outbox.head();
    const client = await connect();
    await client.query('begin');
    await insertEvent(client, 'test.rolled-back', 'r');
    const first = await fresh.store.outbox.append('test.before-rollback', 'a', {});
    await client.query('rollback');
    const second = await fresh.store.outbox.append('test.after-rollback', 'b', {});
    assert.deepEqual([first.seq, second.seq], [start + 1, start + 2]);
    assert.deepEqual((await fresh.store.outbox.read(start, 10)).map((e) => e.type), ['test.before-rollback', 'test.after-rollback']);
  });

  it('an effect is numbered after its cause, even when its transaction began writing first', async () => {
    const operation = await fresh.store.operations.submit(newOperation());
    const start = await fresh.store.outbox.head();
    const [cause, effect] = [await connect(), await connect()];
    await effect.query('begin');
    await effect.query('select pg_current_xact_id()'); // takes its transaction id before the cause does
    await cause.query('begin');
    await cause.query('update operations set priority = 1 where id = $1', [operation.id]);
    const waiting = effect.query('update operations set priority = 2 where id = $1', [operation.id]);
    await insertEvent(cause, 'test.cause', operation.id);
    await cause.query('commit');
    await waiting;
    await insertEvent(effect, 'test.effect', operation.id);
    await effect.query('commit');
    const events = await fresh.store.outbox.read(start, 10);
    assert.deepEqual(events.map((e) => e.type), ['test.cause', 'test.effect']);
  });

  it('events committed without a numbering pass (a writer that died after commit) are numbered by the next reader', async () => {
    const start = await fresh.store.outbox.head();
    const client = await connect();
    await insertEvent(client, 'test.orphan', 'o1');
    await insertEvent(client, 'test.orphan', 'o2');
    const events = await fresh.store.outbox.read(start, 10);
    assert.deepEqual(events.map((e) => [e.seq, e.subjectId]), [[start + 1, 'o1'], [start + 2, 'o2']]);
  });
});
