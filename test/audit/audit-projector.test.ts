import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { startAuditProjector } from '../../src/audit/audit-projector.js';
import { AuditTrail } from '../../src/audit/audit-trail.js';
import { memoryCheckpoint } from '../../src/audit/checkpoint-file.js';
import { freshStore } from '../support/stores.js';
import type { FreshStore } from '../support/stores.js';
import { newOperation } from '../store/fixtures.js';

describe('the audit projector loop (sqlite)', () => {
  let fresh: FreshStore;
  before(async () => (fresh = await freshStore('sqlite')));
  after(async () => fresh?.cleanup());

  it('brings operation state changes into the chain by itself, and stops cleanly', async () => {
    const trail = new AuditTrail({ log: fresh.store.audit, checkpoint: memoryCheckpoint(), checkpointKey: randomBytes(32) });
    const errors: unknown[] = [];
    const stop = startAuditProjector({ trail, intervalMs: 20, onError: (error) => errors.push(error) });
    try {
      const operation = await fresh.store.operations.submit(newOperation());
      await fresh.store.operations.requestCancel(operation.id, 'user:u1');
      for (let i = 0; i < 250 && (await fresh.store.audit.head()).seq < 2; i += 1) await sleep(20);
      const events = await fresh.store.audit.readAfter(0, 10);
      assert.deepEqual(events.map((event) => [event.action, event.objectId]), [['operation.scheduled', operation.id], ['operation.cancelled', operation.id]]);
    } finally {
      await stop();
    }
    assert.deepEqual(errors, []);
    assert.equal((await trail.verify()).ok, true);
  });
});
