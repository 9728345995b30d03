import { randomBytes } from 'node:crypto';
import type { NewOperation, OstiaryError, SealedSecret } from '../../src/domain/index.js';
import type { ClaimRequest, Store } from '../../src/store/store.js';

/**
 * A sealed value as the vault would produce it. The store never decrypts, so random bytes
 * stand in for ciphertext; `marker` lets a test look for the bytes where they must not be.
 */
export function sealed(marker = randomBytes(8).toString('hex')): SealedSecret {
  return { masterKeyId: 'mk-test', wrappedKey: randomBytes(60), ciphertext: Buffer.from(`sealed:${marker}`) };
}

/** A clock the test moves by hand, so times are exact and nothing sleeps. */
export class ManualClock {
  now = 1_700_000_000_000;
  readonly read = (): number => this.now;
  advance(ms: number): number {
    this.now += ms;
    return this.now;
  }
}

export function newOperation(overrides: Partial<NewOperation> = {}): NewOperation {
  return {
    type: 'task',
    executor: 'ssh',
    templateId: 'template-1',
    templateVersion: 1,
    deviceId: null,
    credentialId: null,
    variables: { SERVICE: 'backup' },
    requester: 'alice',
    ...overrides,
  };
}

/** Asserts the promise rejects with an OstiaryError of that code; returns it for more checks. */
export async function rejectsWith(promise: Promise<unknown>, code: string): Promise<OstiaryError> {
  try {
    await promise;
  } catch (error) {
    const { code: actual } = error as OstiaryError;
    if (actual !== code) throw new Error(`expected ${code}, got ${String(actual)}: ${(error as Error).message}`, { cause: error });
    return error as OstiaryError;
  }
  throw new Error(`expected ${code}, but it resolved`);
}

let executorCounter = 0;
/** An executor name no other test uses: claims filter by executor, so tests sharing a database stay apart. */
export function uniqueExecutor(): string {
  executorCounter += 1;
  return `exec-${process.pid}-${executorCounter}`;
}

/** Every outbox event so far, oldest first. */
export async function allEvents(store: Store) {
  return store.outbox.read(0, 100_000);
}

/** A claim by worker `w1` for one executor: lease 30 s, one operation per device. */
export function claimRequest(executor: string, overrides: Partial<ClaimRequest> = {}): ClaimRequest {
  return { workerId: 'w1', leaseMs: 30_000, perDeviceLimit: 1, executors: [executor], ...overrides };
}
