import type { Credential, Operation } from '../../../src/domain/index.js';
import type { ExecutionContext, Executor } from '../../../src/executors/executor.js';
import { classifyOutcome } from '../../../src/engine/outcome-classifier.js';
import type { AttemptEnding } from '../../../src/engine/outcome-classifier.js';
import { RotationRunner } from '../../../src/rotation/index.js';
import type { RotationAttempt } from '../../../src/rotation/index.js';
import type { Store } from '../../../src/store/store.js';
import type { Vault } from '../../../src/vault/vault.js';

export const WORKER = 'test-worker';

export interface DrivenAttempt {
  readonly operation: Operation;
  readonly ending: AttemptEnding;
  readonly transcript: string;
}

/**
 * Claims the next due operation and runs it through the rotation runner the way the engine
 * does (the context is built here, masks from the store and vault), then reports it to the
 * store. `crash` stops after the runner returned or threw without reporting, as a killed
 * worker would; the test then recovers the lease.
 */
export async function driveNext(store: Store, vault: Vault, executor: Executor, options: { crash?: boolean; runner?: RotationRunner } = {}): Promise<DrivenAttempt | null> {
  const claim = await store.operations.claimNext({ workerId: WORKER, leaseMs: 60_000, perDeviceLimit: 10, executors: [executor.name] });
  if (!claim) return null;
  let transcript = '';
  const controller = new AbortController();
  const attempt: RotationAttempt = {
    operation: claim.operation,
    attemptId: claim.attempt.id,
    workerId: WORKER,
    executor,
    signal: controller.signal,
    transcript: { write: (text) => void (transcript += text) },
    runTemplate: async () => executor.run(await contextFor(store, vault, claim.operation, controller.signal, (text) => (transcript += text))),
  };
  const runner = options.runner ?? new RotationRunner({ store, vault });
  let ending: AttemptEnding;
  try {
    ending = { kind: 'succeeded', summary: (await runner.run(attempt)).summary };
  } catch (error) {
    ending = { kind: 'error', error };
  }
  if (!options.crash) {
    const result = classifyOutcome(ending, claim.operation, claim.attempt.number, Date.now());
    await store.operations.complete(claim.operation.id, claim.attempt.id, WORKER, { ...result, retryAt: result.retryAt === undefined ? undefined : Date.now() });
  }
  return { operation: claim.operation, ending, transcript };
}

/** Runs every due operation until none is left (bounded). */
export async function drainQueue(store: Store, vault: Vault, executor: Executor, limit = 50): Promise<DrivenAttempt[]> {
  const done: DrivenAttempt[] = [];
  for (let i = 0; i < limit; i += 1) {
    const next = await driveNext(store, vault, executor);
    if (!next) return done;
    done.push(next);
  }
  throw new Error('the queue did not drain');
}

async function contextFor(store: Store, vault: Vault, operation: Operation, signal: AbortSignal, write: (text: string) => void): Promise<ExecutionContext> {
  const credential = (await store.credentials.get(operation.credentialId ?? '')) as Credential;
  const auth = operation.type === 'reconcile' && credential.reconcileCredentialId ? ((await store.credentials.get(credential.reconcileCredentialId)) as Credential) : credential;
  const open = async (secretId: string) => vault.open((await store.secrets.current(secretId))!);
  const pending = await store.secrets.pending(credential.secretId);
  const masks: Record<string, string> = { USERNAME: credential.username, CURRENT_PASSWORD: await open(credential.secretId) };
  if (pending && pending.operationId === operation.id) masks.NEW_PASSWORD = vault.open(pending);
  const template = (await store.templates.getVersion(operation.templateId, operation.templateVersion))!;
  const device = await store.devices.get(operation.deviceId ?? credential.deviceId);
  return {
    operation, template, device, credential, masks,
    login: { username: auth.username, password: await open(auth.secretId) },
    timeouts: operation.timeouts, signal, transcript: { write }, pinHostKey: async (key) => key,
  };
}
