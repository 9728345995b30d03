import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { auditEventHash, GENESIS_HASH } from '../../src/audit/audit-hash.js';
import { readCheckpoint, signCheckpoint } from '../../src/audit/audit-checkpoint.js';
import { AuditTrail } from '../../src/audit/audit-trail.js';
import { canonicalJson } from '../../src/audit/canonical-json.js';
import { changesWithoutSecrets } from '../../src/audit/changes-without-secrets.js';
import { memoryCheckpoint } from '../../src/audit/checkpoint-file.js';
import { projectableOutbox } from '../../src/audit/outbox-projection.js';
import { MemoryAuditLog } from './memory-audit-log.js';

const key = randomBytes(32);

async function trailWith(count: number) {
  const log = new MemoryAuditLog();
  const checkpoint = memoryCheckpoint();
  const trail = new AuditTrail({ log, checkpoint, checkpointKey: key });
  for (let i = 0; i < count; i += 1) {
    await trail.record({ actor: 'user:u1', actorName: 'alice', action: 'device.create', objectType: 'device', objectId: `d${i}`, changes: { name: `host-${i}`, port: 22 } });
  }
  return { log, checkpoint, trail };
}

describe('canonical JSON', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [1, 'x', null], c: true }, z: undefined }), '{"a":{"c":true,"d":[1,"x",null]},"b":1}');
  });

  it('gives the same text for the same content in any key order', () => {
    assert.equal(canonicalJson({ x: 1, y: { p: 'q', o: 2 } }), canonicalJson({ y: { o: 2, p: 'q' }, x: 1 }));
  });

  it('refuses values JSON cannot hold faithfully', () => {
    assert.throws(() => canonicalJson({ n: Number.NaN }), TypeError);
    assert.throws(() => canonicalJson({ f: () => 1 }), TypeError);
  });
});

describe('changes without secrets', () => {
  it('keeps only the fact that a secret was set, at any depth', () => {
    const canary = 'CANARY-s3cr3t';
    const changes = changesWithoutSecrets({ username: 'root', secret: canary, nested: { newPassword: canary, tokenId: 't1' }, hasSecret: true });
    assert.deepEqual(changes, { username: 'root', secret: '[set]', nested: { newPassword: '[set]', tokenId: 't1' }, hasSecret: true });
    assert.ok(!JSON.stringify(changes).includes(canary));
  });
});

describe('audit chain', () => {
  it('links each event to the previous hash over its canonical content', async () => {
    const { log, trail } = await trailWith(3);
    assert.deepEqual(log.rows.map((row) => row.seq), [1, 2, 3]);
    assert.equal(log.rows[0]?.prevHash, GENESIS_HASH);
    assert.equal(log.rows[1]?.prevHash, log.rows[0]?.hash);
    for (const row of log.rows) assert.equal(auditEventHash(row.prevHash, row), row.hash);
    const result = await trail.verify();
    assert.equal(result.ok, true);
    assert.equal(result.eventsChecked, 3);
    assert.deepEqual(result.head, { seq: 3, hash: log.rows[2]?.hash });
    assert.equal(result.checkpoint?.seq, 3);
  });

  it('an empty chain without checkpoint verifies', async () => {
    const { trail } = await trailWith(0);
    assert.deepEqual((await trail.verify()).broken, null);
  });

  it('detects an edit of any event at that event', async () => {
    for (let index = 0; index < 5; index += 1) {
      const { log, trail } = await trailWith(5);
      const row = log.rows[index]!;
      log.rows[index] = { ...row, changes: { ...row.changes, port: 2222 } };
      const result = await trail.verify();
      assert.equal(result.ok, false);
      assert.deepEqual([result.broken?.seq, result.broken?.reason], [index + 1, 'hash_mismatch']);
    }
  });

  it('detects an edit that also recomputes the edited hash: at the next link, or at the checkpoint', async () => {
    for (let index = 0; index < 5; index += 1) {
      const { log, trail } = await trailWith(5);
      const row = log.rows[index]!;
      const edited = { ...row, actor: 'user:mallory' };
      log.rows[index] = { ...edited, hash: auditEventHash(edited.prevHash, edited) };
      const result = await trail.verify();
      const expected = index < 4 ? [index + 2, 'prev_hash_mismatch'] : [5, 'checkpoint_hash_mismatch'];
      assert.deepEqual([result.broken?.seq, result.broken?.reason], expected, `edited event ${index + 1}`);
    }
  });

  it('detects a deleted event anywhere, the last one through the checkpoint', async () => {
    for (let index = 0; index < 5; index += 1) {
      const { log, trail } = await trailWith(5);
      log.rows.splice(index, 1);
      const result = await trail.verify();
      const expected = index < 4 ? [index + 1, 'seq_gap'] : [5, 'checkpoint_ahead_of_chain'];
      assert.deepEqual([result.broken?.seq, result.broken?.reason], expected, `deleted event ${index + 1}`);
    }
  });

  it('detects two events that swapped places', async () => {
    const { log, trail } = await trailWith(5);
    const [a, b] = [log.rows[1]!, log.rows[2]!];
    log.rows[1] = { ...b, seq: a.seq };
    log.rows[2] = { ...a, seq: b.seq };
    const result = await trail.verify();
    assert.deepEqual([result.broken?.seq, result.broken?.reason], [2, 'prev_hash_mismatch']);
  });

  it('detects a truncated tail, even when the rest is consistent', async () => {
    const { log, trail } = await trailWith(6);
    log.rows.splice(3);
    const result = await trail.verify();
    assert.deepEqual([result.broken?.seq, result.broken?.reason], [4, 'checkpoint_ahead_of_chain']);
  });

  it('rejects a forged, a malformed and a missing checkpoint', async () => {
    const { log, checkpoint, trail } = await trailWith(2);
    const forged = signCheckpoint(randomBytes(32), { seq: 2, hash: log.rows[1]!.hash, at: 1 });
    checkpoint.text = JSON.stringify(forged);
    assert.equal((await trail.verify()).broken?.reason, 'checkpoint_invalid');
    checkpoint.text = 'not json';
    assert.equal((await trail.verify()).broken?.reason, 'checkpoint_invalid');
    checkpoint.text = null;
    assert.equal((await trail.verify()).broken?.reason, 'checkpoint_missing');
  });

  it('the checkpoint follows the head after every append', async () => {
    const { checkpoint, log } = await trailWith(3);
    const stored = readCheckpoint(key, checkpoint.text);
    assert.deepEqual(stored.state === 'valid' ? [stored.checkpoint.seq, stored.checkpoint.hash] : [], [3, log.rows[2]?.hash]);
  });

  it('holds the checkpoint back when the tail was cut and new events appended in its place', async () => {
    const alarms: string[] = [];
    const log = new MemoryAuditLog();
    const checkpoint = memoryCheckpoint();
    const trail = new AuditTrail({ log, checkpoint, checkpointKey: key, onAlarm: (message) => alarms.push(message) });
    for (let i = 0; i < 4; i += 1) await trail.record({ actor: 'user:u1', action: 'device.create' });
    const before = checkpoint.text;
    log.rows.splice(2);
    for (let i = 0; i < 3; i += 1) await trail.record({ actor: 'user:mallory', action: 'device.create' });
    assert.equal(checkpoint.text, before, 'the checkpoint still names the old event 4');
    assert.match(alarms[0] ?? '', /no longer matches/);
    const result = await trail.verify();
    assert.deepEqual([result.ok, result.broken?.seq, result.broken?.reason], [false, 4, 'checkpoint_hash_mismatch']);
  });

  it('never overwrites a checkpoint it cannot authenticate, and anchors a missing one only on an intact chain', async () => {
    const alarms: string[] = [];
    const log = new MemoryAuditLog();
    const checkpoint = memoryCheckpoint('{"forged":true}');
    const trail = new AuditTrail({ log, checkpoint, checkpointKey: key, onAlarm: (message) => alarms.push(message) });
    await trail.record({ actor: 'user:u1', action: 'x' });
    assert.equal(checkpoint.text, '{"forged":true}');
    checkpoint.text = null;
    log.rows[0] = { ...log.rows[0]!, actor: 'user:edited' };
    await trail.record({ actor: 'user:u1', action: 'y' });
    assert.equal(checkpoint.text, null);
    assert.equal(alarms.length, 2);
  });
});

describe('outbox projection', () => {
  it('copies each outbox event once, in order, and moves its position atomically', async () => {
    const { log, trail } = await trailWith(1);
    const now = Date.now();
    log.outbox.push(
      { seq: 1, type: 'operation.scheduled', subjectId: 'op1', payload: { actor: 'user:u1' }, createdAt: now - 60_000 },
      { seq: 2, type: 'operation.running', subjectId: 'op1', payload: {}, createdAt: now - 50_000 },
    );
    assert.equal(await trail.projectAll(), 2);
    assert.equal(await trail.projectAll(), 0);
    assert.deepEqual(log.rows.map((row) => [row.seq, row.action, row.actor]), [
      [1, 'device.create', 'user:u1'],
      [2, 'operation.scheduled', 'user:u1'],
      [3, 'operation.running', 'system:engine'],
    ]);
    assert.equal(log.rows[2]?.changes.outboxSeq, 2);
    assert.equal(log.outboxSeq, 2);
    assert.equal((await trail.verify()).ok, true);
  });

  it('waits for a young hole in the outbox sequence, then skips an old one', () => {
    const now = 1_000_000;
    const events = [
      { seq: 1, type: 'a', subjectId: 's', payload: {}, createdAt: now - 100 },
      { seq: 3, type: 'b', subjectId: 's', payload: {}, createdAt: now - 100 },
    ];
    assert.deepEqual(projectableOutbox(0, events, now, 10_000).map((event) => event.seq), [1]);
    assert.deepEqual(projectableOutbox(0, events, now + 20_000, 10_000).map((event) => event.seq), [1, 3]);
  });
});
