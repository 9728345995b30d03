import type { OperationStatus } from '../../domain/index.js';

/** A run's figures, computed from its operations' statuses. */
export interface RunTotals {
  readonly total: number;
  /** Operations that reached an end: succeeded, failed, cancelled or expired. */
  readonly processed: number;
  /** Operations that ended in Error (`failed`). */
  readonly errors: number;
  readonly succeeded: number;
  readonly byStatus: Readonly<Partial<Record<OperationStatus, number>>>;
}

/** Where a run stands as a whole, from its operations. */
export type RunProgress = 'waiting_approval' | 'scheduled' | 'running' | 'finished';

const ENDED: readonly OperationStatus[] = ['succeeded', 'failed', 'cancelled', 'expired'];

export function runTotals(counts: Readonly<Partial<Record<OperationStatus, number>>>): RunTotals {
  const count = (status: OperationStatus) => counts[status] ?? 0;
  const total = Object.values(counts).reduce((sum, n) => sum + (n ?? 0), 0);
  return Object.freeze({
    total,
    processed: ENDED.reduce((sum, status) => sum + count(status), 0),
    errors: count('failed'),
    succeeded: count('succeeded'),
    byStatus: Object.freeze({ ...counts }),
  });
}

/** The least advanced operation decides: anything still waiting, running or queued keeps the run open. */
export function runProgress(counts: Readonly<Partial<Record<OperationStatus, number>>>): RunProgress {
  if ((counts.running ?? 0) > 0) return 'running';
  if ((counts.waiting_approval ?? 0) > 0) return 'waiting_approval';
  if ((counts.scheduled ?? 0) > 0) return 'scheduled';
  return 'finished';
}
