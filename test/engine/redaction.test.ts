import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import type { Operation } from '../../src/domain/index.js';
import type { DelegatedAttempt, OperationRunner } from '../../src/engine/index.js';
import { FinalExecutorError } from '../../src/executors/executor.js';
import type { ExecutionContext, ExecutionOutcome, Executor } from '../../src/executors/executor.js';
import { LocalExecutor } from '../../src/executors/local/local-executor.js';
import type { Store } from '../../src/store/store.js';
import type { Vault } from '../../src/vault/vault.js';
import { dialectSkip, dialects, freshStore, type FreshStore } from '../support/stores.js';
import { localEngine, MemoryLogger, submitLocal, tempVault, waitForStatus } from './engine-harness.js';

const PASSWORD = 'Canary-Pw-7f3a9c!';
const TOKEN = 'tok_CANARY_51b2e8d0';
const CANARIES = [PASSWORD, TOKEN];

/**
 * An executor that misbehaves on purpose: it writes the secrets it was given into the
 * transcript one character at a time (so each secret is split across chunks) and puts them
 * in its error message. The engine must redact all of it; it never trusts an executor to.
 */
class LeakyExecutor implements Executor {
  readonly name = 'leaky';
  readonly configSchema = z.object({});
  constructor(private readonly failure: 'final' | 'unexpected') {}

  async run(context: ExecutionContext): Promise<ExecutionOutcome> {
    for (const char of `password=${context.masks.AUTH_PASSWORD} token=${context.masks.TOKEN}\n`) context.transcript.write(char);
    if (this.failure === 'final') throw new FinalExecutorError('OST_EXEC_AUTH', `rejected ${context.login?.password} / ${context.masks.TOKEN}`);
    throw new Error(`boom ${context.masks.TOKEN}`);
  }
}

for (const dialect of dialects) {
  describe(`redaction of secrets in scope (${dialect})`, { skip: await dialectSkip(dialect) }, () => {
    let fresh: FreshStore;
    let store: Store;
    let vault: Vault;
    let cleanupVault: () => Promise<void>;
    let deviceId: string;
    let credentialId: string;

    before(async () => {
      fresh = await freshStore(dialect);
      store = fresh.store;
      ({ vault, cleanup: cleanupVault } = await tempVault());
      const device = await store.devices.create({ name: 'canary-host', address: '127.0.0.1', port: 2222 });
      const credential = await store.credentials.create({
        deviceId: device.id,
        username: 'svc',
        secret: vault.seal(PASSWORD),
        fields: [
          { name: 'token', value: null, secret: vault.seal(TOKEN) },
          { name: 'region', value: 'eu-west' },
        ],
      });
      deviceId = device.id;
      credentialId = credential.id;
    });
    after(async () => {
      await fresh?.cleanup();
      await cleanupVault?.();
    });

    /** Everything an operation leaves behind that a person or system could read. */
    async function everythingStoredAbout(operation: Operation): Promise<string> {
      const attempts = await store.operations.attempts(operation.id);
      const events = await store.outbox.read(0, 10_000);
      return JSON.stringify({ operation: await store.operations.get(operation.id), attempts, events });
    }

    function assertNoCanary(text: string, where: string): void {
      for (const canary of CANARIES) assert.ok(!text.includes(canary), `a secret leaked into ${where}`);
    }

    it('redacts credential secrets from the local transcript, and fills the other masks', async () => {
      const logger = new MemoryLogger();
      const source = [
        'echo user=[#USERNAME#] auth=[#AUTH_USER#] host=[#HOSTNAME#] ip=[#IP#]:[#CONNECT_PORT#] region=[#REGION#]',
        'echo pass=[#AUTH_PASSWORD#]',
        'printf "%s\\n" "[#TOKEN#]" >&2',
        'echo "[#TOKEN#]" | tr a-z A-Z',
      ].join('\n');
      const op = await submitLocal(store, source, { deviceId, credentialId });
      const engine = localEngine(store, vault, { logger });
      await engine.start();
      try {
        assert.equal((await waitForStatus(store, op.id, ['succeeded', 'failed'])).status, 'succeeded');
      } finally {
        await engine.stop({ drainMs: 100 });
      }
      const [attempt] = await store.operations.attempts(op.id);
      const transcript = attempt?.transcript ?? '';
      assert.match(transcript, /^user=svc auth=svc host=canary-host ip=127\.0\.0\.1:2222 region=eu-west$/m);
      assert.match(transcript, /^\$ echo pass='\[REDACTED\]'$/m); // quoted: the value holds a `!`
      assert.match(transcript, /^pass=\[REDACTED\]$/m);
      assert.match(transcript, /^\[REDACTED\]$/m);
      // Upper-cased, the token is no longer the secret; everything else is checked below.
      assert.match(transcript, /^TOK_CANARY_51B2E8D0$/m);
      assertNoCanary(await everythingStoredAbout(op), 'the store');
      assertNoCanary(logger.lines.join('\n'), 'the logs');
    });

    it('redacts secrets an executor splits across transcript chunks and puts in its error message', async () => {
      const logger = new MemoryLogger();
      const { template, version } = await store.templates.create({ name: 'leaky', type: 'task', executor: 'leaky', source: 'anything', author: 't' });
      const submit = () => store.operations.submit({
        type: 'task', executor: 'leaky', templateId: template.id, templateVersion: version.version,
        deviceId, credentialId, variables: {}, requester: 'test',
      });
      const final = await submit();
      const engine = localEngine(store, vault, { logger, executors: [new LeakyExecutor('final'), new LocalExecutor()] });
      await engine.start();
      try {
        const done = await waitForStatus(store, final.id, ['succeeded', 'failed']);
        assert.equal(done.lastErrorCode, 'OST_EXEC_AUTH');
        assert.equal(done.lastErrorMessage, 'rejected [REDACTED] / [REDACTED]');
      } finally {
        await engine.stop({ drainMs: 100 });
      }
      const [attempt] = await store.operations.attempts(final.id);
      assert.match(attempt?.transcript ?? '', /^password=\[REDACTED\] token=\[REDACTED\]$/m);
      assertNoCanary(await everythingStoredAbout(final), 'the store');
      assertNoCanary(logger.lines.join('\n'), 'the logs');
    });

    it('stores a safe OST_INTERNAL message for an unexpected error and logs it redacted', async () => {
      const logger = new MemoryLogger();
      const { template, version } = await store.templates.create({ name: 'leaky-2', type: 'task', executor: 'leaky', source: 'x', author: 't' });
      const op = await store.operations.submit({
        type: 'task', executor: 'leaky', templateId: template.id, templateVersion: version.version,
        deviceId, credentialId, variables: {}, requester: 'test',
      });
      const engine = localEngine(store, vault, { logger, executors: [new LeakyExecutor('unexpected')] });
      await engine.start();
      try {
        const done = await waitForStatus(store, op.id, ['succeeded', 'failed']);
        assert.equal(done.status, 'failed');
        assert.equal(done.lastErrorCode, 'OST_INTERNAL');
        assert.match(done.lastErrorMessage ?? '', /^unexpected Error while running the operation/);
      } finally {
        await engine.stop({ drainMs: 100 });
      }
      const logged = logger.lines.join('\n');
      assert.match(logged, /boom \[REDACTED\]/);
      assertNoCanary(logged, 'the logs');
      assertNoCanary(await everythingStoredAbout(op), 'the store');
    });

    it('lets an operation runner wrap the template; a pending secret stored meanwhile fills NEW_PASSWORD and is redacted', async () => {
      const NEW = 'Next-Canary-Pw-93kd!';
      const logger = new MemoryLogger();
      const runner: OperationRunner = {
        handles: (type) => type === 'password_change',
        async run(attempt: DelegatedAttempt) {
          attempt.transcript.write(`intent for ${attempt.operation.id}\n`);
          const credential = await store.credentials.get(credentialId);
          await store.secrets.addPending(credential?.secretId ?? '', vault.seal(NEW), attempt.operation.id);
          const outcome = await attempt.runTemplate();
          attempt.transcript.write(`verified ${NEW}\n`);
          return { summary: `rotated: ${outcome.summary}` };
        },
      };
      const source = 'echo "from [#CURRENT_PASSWORD#] to [#NEW_PASSWORD#]"\n';
      const op = await submitLocal(store, source, { type: 'password_change', deviceId, credentialId });
      const engine = localEngine(store, vault, { logger, operationRunners: [runner] });
      await engine.start();
      try {
        assert.equal((await waitForStatus(store, op.id, ['succeeded', 'failed'])).status, 'succeeded');
      } finally {
        await engine.stop({ drainMs: 100 });
      }
      const [attempt] = await store.operations.attempts(op.id);
      assert.equal(attempt?.message, 'rotated: 1 line, exit 0');
      assert.match(attempt?.transcript ?? '', /^from \[REDACTED\] to \[REDACTED\]$/m);
      assert.match(attempt?.transcript ?? '', /^verified \[REDACTED\]$/m);
      const everything = await everythingStoredAbout(op);
      assert.ok(!everything.includes(NEW), 'the new password leaked');
      assertNoCanary(everything, 'the store');
      assertNoCanary(logger.lines.join('\n'), 'the logs');
      const credential = await store.credentials.get(credentialId);
      await store.secrets.discardPending(credential?.secretId ?? '');
    });
  });
}
