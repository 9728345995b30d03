/**
 * A worker process for the rotation crash test: an engine with the postgres and ssh
 * executors whose rotation operations go through the rotation runner, plus the rotation
 * sweep. It loads everything, prints `ready`, and starts claiming only when it reads a line
 * on stdin, so the test can keep warm spares and kill a busy worker at any moment.
 * Usage: node --import tsx rotation-worker.ts <db-url> <data-dir>
 */
import { createInterface } from 'node:readline';
import { createLogger } from '../../../src/cli/logger.js';
import { Engine } from '../../../src/engine/index.js';
import { PostgresExecutor } from '../../../src/executors/postgres/postgres-executor.js';
import { sshExecutor } from '../../../src/executors/ssh/ssh-executor.js';
import { RotationRunner, RotationScheduler, RotationService } from '../../../src/rotation/index.js';
import { openStore } from '../../../src/store/open-store.js';
import { openVault } from '../../../src/vault/vault.js';
import { CRASH_OPERATIONS, CRASH_ENGINE_SETTINGS } from './crash-settings.js';

const [db = '', dataDir = ''] = process.argv.slice(2);

const logger = createLogger('rotation-worker');
const store = await openStore({ url: db, migrate: false });
const vault = await openVault({ dataDir, masterKey: null });
const runner = new RotationRunner({ store, vault, operations: CRASH_OPERATIONS, logger });
const engine = new Engine({ ...CRASH_ENGINE_SETTINGS, store, vault, executors: [new PostgresExecutor(), sshExecutor], operationRunners: [runner], logger });
const scheduler = new RotationScheduler({ service: new RotationService({ store, operations: CRASH_OPERATIONS }), intervalMs: 500, logger });
logger.info({ workerId: engine.settings.workerId }, 'ready');

const lines = createInterface({ input: process.stdin });
lines.once('line', () => {
  void engine.start().then(() => {
    scheduler.start();
    logger.info({ workerId: engine.settings.workerId }, 'engine started');
  });
});
lines.once('close', () => process.exit(0));
