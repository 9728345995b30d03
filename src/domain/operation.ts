import type { OperationStatus } from './operation-status.js';
import type { RetryPolicy } from './retry-policy.js';

/** What an operation does; each type has its own retry policy and mask rules. */
export const OPERATION_TYPES = ['task', 'password_change', 'verify', 'reconcile'] as const;
export type OperationType = (typeof OPERATION_TYPES)[number];

/** Connect, per-read and whole-operation time limits, in milliseconds. */
export interface OperationTimeouts {
  /** @defaultValue 10000 */
  readonly connectMs: number;
  /** @defaultValue 10000 */
  readonly readMs: number;
  /** @defaultValue 300000 */
  readonly totalMs: number;
}

export const DEFAULT_TIMEOUTS: OperationTimeouts = Object.freeze({
  connectMs: 10_000,
  readMs: 10_000,
  totalMs: 300_000,
});

/** Higher runs first. "Run immediately" sets {@link PRIORITY_IMMEDIATE}. */
export const PRIORITY_NORMAL = 0;
export const PRIORITY_IMMEDIATE = 100;

/** A request to create an operation: what a client (task run, schedule, rotation, API) submits. */
export interface NewOperation {
  readonly type: OperationType;
  readonly executor: string;
  readonly templateId: string;
  readonly templateVersion: number;
  readonly deviceId: string | null;
  readonly credentialId: string | null;
  /** Task variables, upper-case names, values already validated. */
  readonly variables: Readonly<Record<string, string>>;
  readonly requester: string;
  /** @defaultValue `scheduled`; `waiting_approval` when a run needs approval. */
  readonly status?: 'scheduled' | 'waiting_approval';
  /** Epoch ms before which the operation must not start. @defaultValue now */
  readonly notBefore?: number;
  readonly priority?: number;
  readonly retryPolicy?: RetryPolicy;
  readonly timeouts?: OperationTimeouts;
  readonly parentId?: string | null;
  readonly runId?: string | null;
}

/** The durable queue item and report row (DESIGN.md §1). Times are epoch milliseconds. */
export interface Operation {
  readonly id: string;
  readonly type: OperationType;
  readonly executor: string;
  readonly templateId: string;
  readonly templateVersion: number;
  readonly deviceId: string | null;
  readonly credentialId: string | null;
  readonly variables: Readonly<Record<string, string>>;
  readonly requester: string;
  readonly status: OperationStatus;
  readonly priority: number;
  readonly notBefore: number;
  readonly attemptCount: number;
  readonly retryPolicy: RetryPolicy;
  readonly timeouts: OperationTimeouts;
  readonly parentId: string | null;
  readonly runId: string | null;
  /** Worker holding the lease while `running`. */
  readonly leaseOwner: string | null;
  readonly leaseExpiresAt: number | null;
  readonly cancelRequested: boolean;
  readonly lastErrorCode: string | null;
  readonly lastErrorMessage: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly finishedAt: number | null;
}
