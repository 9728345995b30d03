import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { NewOperation, Operation, OperationStatus } from '../../src/domain/index.js';
import { DEFAULT_RETRY_POLICY, DEFAULT_TIMEOUTS } from '../../src/domain/index.js';
import { Engine } from '../../src/engine/index.js';
import type { EngineLogger, EngineOptions } from '../../src/engine/index.js';
import { LocalExecutor } from '../../src/executors/local/local-executor.js';
import type { Store } from '../../src/store/store.js';
import { openVault } from '../../src/vault/vault.js';
import type { Vault } from '../../src/vault/vault.js';

/** Settings that keep engine tests quick: short leases, fast polling and progress checks. */
export const FAST_SETTINGS = Object.freeze({ leaseMs: 3_000, heartbeatMs: 500, progressMs: 200, pollMs: 100, recoveryIntervalMs: 500, stopGraceMs: 2_000 });

/** Records every log entry as one JSON line, so a test can look for leaks in everything logged. */
export class MemoryLogger implements EngineLogger {
  readonly lines: string[] = [];
  debug(fields: object, message: string): void { this.#add('debug', fields, message); }
  info(fields: object, message: string): void { this.#add('info', fields, message); }
  warn(fields: object, message: string): void { this.#add('warn', fields, message); }
  error(fields: object, message: string): void { this.#add('error', fields, message); }
  #add(level: string, fields: object, message: string): void {
    this.lines.push(JSON.stringify({ level, ...fields, message }));
  }
}

/** A real vault on a temp data dir (key file created there). */
export async function tempVault(): Promise<{ vault: Vault; dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'ostiary-engine-'));
  const vault = await openVault({ dataDir: join(dir, 'data'), masterKey: null });
  return { vault, dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** An engine with the local executor and fast settings; `overrides` wins. */
export function localEngine(store: Store, vault: Vault, overrides: Partial<EngineOptions> = {}): Engine {
  return new Engine({ ...FAST_SETTINGS, store, vault, executors: [new LocalExecutor()], ...overrides });
}

/** Saves `source` as a new local template and submits one operation running it. */
export async function submitLocal(store: Store, source: string, overrides: Partial<NewOperation> = {}): Promise<Operation> {
  const name = `t-${Math.random().toString(36).slice(2)}`;
  const { template, version } = await store.templates.create({ name, type: 'task', executor: 'local', source, author: 'test' });
  return store.operations.submit(localOperation(template.id, version.version, overrides));
}

export function localOperation(templateId: string, templateVersion: number, overrides: Partial<NewOperation> = {}): NewOperation {
  return {
    type: 'task',
    executor: 'local',
    templateId,
    templateVersion,
    deviceId: null,
    credentialId: null,
    variables: {},
    requester: 'test',
    retryPolicy: { ...DEFAULT_RETRY_POLICY, maxAttempts: 1, intervalMs: 50 },
    timeouts: DEFAULT_TIMEOUTS,
    ...overrides,
  };
}

/** Polls until `check` returns a value other than `undefined`; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Waits until the operation is in one of `statuses` and returns it. */
export function waitForStatus(store: Store, id: string, statuses: readonly OperationStatus[], timeoutMs?: number): Promise<Operation> {
  return waitFor(`operation ${id} to be ${statuses.join('|')}`, async () => {
    const operation = await store.operations.get(id);
    return operation && statuses.includes(operation.status) ? operation : undefined;
  }, timeoutMs);
}

/** Waits for a file to exist with non-empty content; returns its trimmed content. */
export function waitForFile(path: string, timeoutMs?: number): Promise<string> {
  return waitFor(`file ${path}`, async () => {
    const text = await readFile(path, 'utf8').catch(() => '');
    return text.trim() === '' ? undefined : text.trim();
  }, timeoutMs);
}

/**
 * True while the process exists and is not a zombie. PID 1 on these machines does not reap
 * orphans, so a killed process may linger as `<defunct>`: that counts as gone.
 */
export async function isProcessAlive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (stat === null) return false;
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z' && state !== 'X';
}
