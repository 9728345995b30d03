/**
 * One Ostiary worker process on PostgreSQL, with the no-op executor: opens the store and
 * the vault, reports `ready`, starts its engine on `go`, reports each probe's start, and on
 * `stop` drains, closes and reports how many operations it ran.
 * Usage: node --import tsx ostiary-worker-child.ts <db-url> <data-dir> <concurrency>
 */
import { Engine } from '../../src/engine/index.js';
import { openStore } from '../../src/store/open-store.js';
import { openVault } from '../../src/vault/vault.js';
import { onParentMessage, sendToParent } from '../support/bench-child.js';
import type { WorkerMessage } from './engine-messages.js';
import { NoopExecutor } from './noop-executor.js';

const [url = '', dataDir = '', concurrency = '8'] = process.argv.slice(2);

const store = await openStore({ url, migrate: false });
const vault = await openVault({ dataDir, masterKey: null });
const executor = new NoopExecutor((id, at) => void sendToParent<WorkerMessage>({ type: 'started', id, at }));
const engine = new Engine({ store, vault, executors: [executor], concurrency: Number(concurrency) });
// Connect before `go`, so the pool's first connection is not part of the measured time.
await store.operations.get('00000000-0000-0000-0000-000000000000');

onParentMessage((message) => {
  if (message.type === 'go') void engine.start();
  if (message.type === 'stop') void stop();
});
await sendToParent<WorkerMessage>({ type: 'ready' });

async function stop(): Promise<void> {
  await engine.stop({ drainMs: 5_000 });
  await store.close();
  await sendToParent<WorkerMessage>({ type: 'stopped', ran: executor.ran });
  process.exit(0);
}
