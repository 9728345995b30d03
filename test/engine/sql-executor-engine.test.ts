import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_RETRY_POLICY, DEFAULT_TIMEOUTS } from '../../src/domain/index.js';
import type { Operation } from '../../src/domain/index.js';
import { Engine } from '../../src/engine/index.js';
import { PostgresExecutor } from '../../src/executors/postgres/index.js';
import type { Store } from '../../src/store/store.js';
import { assertTemplateSavable } from '../../src/templates/index.js';
import type { Vault } from '../../src/vault/vault.js';
import { scramPostgresSkip, startScramPostgres } from '../support/postgres-scram.js';
import type { ScramPostgres } from '../support/postgres-scram.js';
import { freshStore } from '../support/stores.js';
import type { FreshStore } from '../support/stores.js';
import { FAST_SETTINGS, MemoryLogger, tempVault, waitForStatus } from './engine-harness.js';

/** The credential's password: quotes, a backslash and a `;`, so it also tests escaping. */
const PASSWORD = `Canary'Pg"Pw\\;7d41e`;
const ROLE = 'ostiary_app';

/**
 * A `postgres` template saved and submitted like any other: the real engine claims the
 * operation, opens the credential from the vault, and the real `PostgresExecutor` logs in
 * to a PostgreSQL that checks passwords (scram-sha-256 over TCP).
 */
describe('engine runs postgres templates', { skip: await scramPostgresSkip() }, () => {
  let server: ScramPostgres;
  let fresh: FreshStore;
  let store: Store;
  let vault: Vault;
  let cleanupVault: () => Promise<void>;
  let engine: Engine;
  const logger = new MemoryLogger();
  let target: { deviceId: string; credentialId: string };

  before(async () => {
    server = await startScramPostgres();
    fresh = await freshStore('sqlite');
    store = fresh.store;
    ({ vault, cleanup: cleanupVault } = await tempVault());
    await server.createRole(ROLE, PASSWORD);
    await server.admin(`CREATE SCHEMA app AUTHORIZATION ${ROLE}`);
    const device = await store.devices.create({ name: 'pg-1', address: server.host, port: server.port });
    const credential = await store.credentials.create({ deviceId: device.id, username: ROLE, secret: vault.seal(PASSWORD) });
    target = { deviceId: device.id, credentialId: credential.id };
    engine = new Engine({ ...FAST_SETTINGS, store, vault, executors: [new PostgresExecutor()], logger });
    await engine.start();
  });
  after(async () => {
    await engine?.stop({ drainMs: 100 });
    await fresh?.cleanup();
    await cleanupVault?.();
    await server?.stop();
  });

  /** Lints the source as a save would, stores it as a `postgres` task template and submits it. */
  async function submit(name: string, source: string, variables: Record<string, string> = {}): Promise<Operation> {
    assertTemplateSavable(source, 'postgres', 'task');
    const { template, version } = await store.templates.create({ name, type: 'task', executor: 'postgres', source, author: 'test' });
    return store.operations.submit({
      type: 'task', executor: 'postgres', templateId: template.id, templateVersion: version.version, ...target,
      variables, requester: 'test', retryPolicy: { ...DEFAULT_RETRY_POLICY, maxAttempts: 1 }, timeouts: DEFAULT_TIMEOUTS,
    });
  }

  /** The ended operation, its one attempt's transcript, and everything stored about it. */
  async function finished(operation: Operation): Promise<{ operation: Operation; transcript: string; everything: string }> {
    const done = await waitForStatus(store, operation.id, ['succeeded', 'failed']);
    const attempts = await store.operations.attempts(operation.id);
    assert.equal(attempts.length, 1);
    const events = await store.outbox.read(0, 10_000);
    return { operation: done, transcript: attempts[0]?.transcript ?? '', everything: JSON.stringify({ done, attempts, events }) };
  }

  function assertNoPassword(text: string, where: string): void {
    assert.ok(!text.includes(PASSWORD), `the credential's password leaked into ${where}`);
  }

  it('logs in with the credential and runs each statement, masks escaped for their context', async () => {
    const note = "it's; DROP TABLE app.probe; --";
    const source = [
      '#@var NOTE ".+" "A note"',
      'CREATE TABLE app.probe (who text, host text, note text)',
      "INSERT INTO app.probe VALUES ('[#USERNAME#]', '[#HOSTNAME#]', '[#NOTE#]')",
      'SELECT count(*) FROM app.probe',
    ].join('\n');
    const { operation, transcript, everything } = await finished(await submit('probe', source, { note }));
    assert.equal(operation.status, 'succeeded', operation.lastErrorMessage ?? '');
    assert.equal(transcript, [
      `connect 127.0.0.1:${server.port} database "postgres" as "${ROLE}" (sslmode disable)`,
      '> CREATE TABLE app.probe (who text, host text, note text)',
      '< CREATE',
      "> INSERT INTO app.probe VALUES ('[#USERNAME#]', '[#HOSTNAME#]', '[#NOTE#]')",
      '< INSERT 1',
      '> SELECT count(*) FROM app.probe',
      '< SELECT 1',
      '',
    ].join('\n'));
    const rows = await server.admin('SELECT who, host, note FROM app.probe');
    assert.deepEqual(rows.rows, [{ who: ROLE, host: 'pg-1', note }]);
    assertNoPassword(everything, 'the store');
    assertNoPassword(logger.lines.join('\n'), 'the logs');
  });

  it('redacts the password from a server error that quotes it back', async () => {
    const { operation, transcript, everything } = await finished(await submit('echo-secret', "SELECT CAST('[#AUTH_PASSWORD#]' AS integer)"));
    assert.equal(operation.status, 'failed');
    assert.equal(operation.lastErrorCode, 'OST_EXEC_STEP_FAILED');
    // PostgreSQL answers `invalid input syntax for type integer: "<the value>"`.
    assert.match(operation.lastErrorMessage ?? '', /invalid input syntax for type integer: "\[REDACTED\]"/);
    assert.match(transcript, /^> SELECT CAST\('\[#AUTH_PASSWORD#\]' AS integer\)$/m);
    assertNoPassword(everything, 'the store');
    assertNoPassword(logger.lines.join('\n'), 'the logs');
  });

  it('fails a template with an unfilled mask before connecting', async () => {
    const { operation, transcript } = await finished(await submit('unfilled', "SELECT '[#TICKET#]'"));
    assert.equal(operation.status, 'failed');
    assert.equal(operation.lastErrorCode, 'OST_MASK_UNFILLED');
    assert.match(operation.lastErrorMessage ?? '', /\[#TICKET#\]/);
    assert.doesNotMatch(transcript, /connect/);
  });
});
