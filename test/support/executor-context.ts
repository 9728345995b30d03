import { DEFAULT_RETRY_POLICY, DEFAULT_TIMEOUTS, newId } from '../../src/domain/index.js';
import type { Device, Operation, OperationTimeouts, OperationType } from '../../src/domain/index.js';
import type { ExecutionContext, LoginMaterial } from '../../src/executors/executor.js';

/**
 * Builds the `ExecutionContext` an executor receives, for executor tests that run without
 * the engine. The transcript is collected as one string, unredacted, so a test can check
 * that the executor itself never writes a secret.
 */
export interface TestContextInput {
  readonly executor: string;
  readonly source: string;
  readonly device?: Device | null;
  readonly login?: LoginMaterial | null;
  readonly masks?: Readonly<Record<string, string>>;
  readonly executorConfig?: unknown;
  readonly timeouts?: Partial<OperationTimeouts>;
  readonly signal?: AbortSignal;
  readonly type?: OperationType;
}

export interface TestContext {
  readonly context: ExecutionContext;
  /** Everything the executor wrote to the transcript so far. */
  transcript(): string;
}

export function testContext(input: TestContextInput): TestContext {
  let written = '';
  const now = Date.now();
  const device = input.device === undefined ? null : input.device;
  const timeouts: OperationTimeouts = { ...DEFAULT_TIMEOUTS, ...input.timeouts };
  const operation: Operation = {
    id: newId(), type: input.type ?? 'password_change', executor: input.executor, templateId: newId(), templateVersion: 1,
    deviceId: device?.id ?? null, credentialId: null, variables: {}, requester: 'test', status: 'running', priority: 0,
    notBefore: now, attemptCount: 1, retryPolicy: DEFAULT_RETRY_POLICY, timeouts, parentId: null, runId: null,
    leaseOwner: 'test', leaseExpiresAt: now + 60_000, cancelRequested: false, lastErrorCode: null, lastErrorMessage: null,
    createdAt: now, updatedAt: now, finishedAt: null,
  };
  const context: ExecutionContext = {
    operation,
    template: { templateId: operation.templateId, version: 1, source: input.source, author: 'test', createdAt: now },
    device,
    credential: null,
    masks: input.masks ?? {},
    login: input.login ?? null,
    executorConfig: input.executorConfig,
    timeouts,
    signal: input.signal ?? new AbortController().signal,
    transcript: { write: (text) => void (written += text) },
    pinHostKey: async (hostKey) => hostKey,
  };
  return { context, transcript: () => written };
}

/** A device at `address:port`, as the store would return it. */
export function testDevice(address: string, port: number, name = `device-${newId()}`): Device {
  const now = Date.now();
  return {
    id: newId(), name, address, port, type: null, vendor: null, model: null, site: null, tags: [], hostKey: null,
    createdAt: now, updatedAt: now,
  };
}

/** Every text an error carries that could reach a log: messages and stacks along the `cause` chain. */
export function errorTexts(error: unknown): string {
  const texts: string[] = [];
  for (let current: unknown = error, depth = 0; current !== undefined && current !== null && depth < 10; depth += 1) {
    if (current instanceof Error) {
      texts.push(current.message, current.stack ?? '', JSON.stringify(current));
      current = current.cause;
    } else {
      texts.push(String(current));
      break;
    }
  }
  return texts.join('\n');
}

/** Fails when any secret (or its SQL-quoted form, `'` doubled) shows up in the text. */
export function assertNoSecret(text: string, secrets: readonly string[]): void {
  for (const secret of secrets.filter((value) => value.length > 0)) {
    for (const form of new Set([secret, secret.replaceAll("'", "''"), JSON.stringify(secret).slice(1, -1)])) {
      if (text.includes(form)) throw new Error(`a secret leaked into the text (${secret.length} characters long)`);
    }
  }
}
