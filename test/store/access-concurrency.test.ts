import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { AuditTrail } from '../../src/audit/audit-trail.js';
import { dataDirCheckpoint } from '../../src/audit/checkpoint-key.js';
import { dialectSkip, dialects, freshStore, type FreshStore } from '../support/stores.js';

const run = promisify(execFile);
const child = fileURLToPath(new URL('./access-child.ts', import.meta.url));
const PROCESSES = 3;
const EACH = 15;

for (const dialect of dialects) {
  describe(`failed-login counters and audit appends from several processes (${dialect})`, { skip: await dialectSkip(dialect) }, () => {
    let fresh: FreshStore;
    let dataDir: string;
    before(async () => {
      fresh = await freshStore(dialect);
      dataDir = await mkdtemp(join(tmpdir(), 'ostiary-audit-'));
      await Promise.all(Array.from({ length: PROCESSES }, () => run(process.execPath, ['--import', 'tsx', child, fresh.url, dataDir, String(EACH)])));
    });
    after(async () => {
      await fresh?.cleanup();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    });

    it('counts every failure recorded at once by several processes', async () => {
      const [state] = await fresh.store.loginFailures.get(['addr:10.0.0.9']);
      assert.equal(state?.failures, PROCESSES * EACH);
    });

    it('leaves one dense, valid audit chain when several processes append at once', async () => {
      const events = await fresh.store.audit.readAfter(0, 1000);
      assert.deepEqual(events.map((event) => event.seq), Array.from({ length: PROCESSES * EACH }, (_, i) => i + 1));
      assert.equal(new Set(events.map((event) => event.actor)).size, PROCESSES);
      const { storage, key } = await dataDirCheckpoint(dataDir);
      const verification = await new AuditTrail({ log: fresh.store.audit, checkpoint: storage, checkpointKey: key }).verify();
      assert.equal(verification.ok, true, JSON.stringify(verification.broken));
      assert.ok((verification.checkpoint?.seq ?? 0) > 0);
    });
  });
}
