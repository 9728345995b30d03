// Run as a separate process by access-concurrency.test.ts:
//   access-child.ts <url> <checkpointDir> <count>
// records <count> failed logins on `addr:10.0.0.9` and appends <count> audit events, so the
// test can check that both are serialized across processes.
import { AuditTrail } from '../../src/audit/audit-trail.js';
import { dataDirCheckpoint } from '../../src/audit/checkpoint-key.js';
import { openStore } from '../../src/store/open-store.js';

const [url, checkpointDir, countText] = process.argv.slice(2);
if (!url || !checkpointDir || !countText) throw new Error('usage: access-child.ts <url> <checkpointDir> <count>');
const count = Number(countText);
const key = 'addr:10.0.0.9';
const store = await openStore({ url, migrate: false });
try {
  const { storage, key: checkpointKey } = await dataDirCheckpoint(checkpointDir);
  const trail = new AuditTrail({ log: store.audit, checkpoint: storage, checkpointKey });
  for (let i = 0; i < count; i += 1) {
    await store.loginFailures.recordFailure(key, (current) => ({
      key, failures: (current?.failures ?? 0) + 1, firstFailureAt: current?.firstFailureAt ?? i, lastFailureAt: i, lockedUntil: null,
    }));
    await trail.record({ actor: `system:child-${process.pid}`, action: 'test.append', changes: { i } });
  }
} finally {
  await store.close();
}
