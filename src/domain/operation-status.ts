import { OstiaryError } from './errors.js';

/** Every status an operation can be in (DESIGN.md §3). */
export const OPERATION_STATUSES = [
  'waiting_approval',
  'scheduled',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'expired',
] as const;

export type OperationStatus = (typeof OPERATION_STATUSES)[number];

/** The labels the console and reports show, as the reference product names them. */
export const OPERATION_STATUS_LABELS: Readonly<Record<OperationStatus, string>> = Object.freeze({
  waiting_approval: 'Waiting approval',
  scheduled: 'Scheduled',
  running: 'In execution',
  succeeded: 'Successfully completed',
  failed: 'Error',
  cancelled: 'Cancelled',
  expired: 'Expired',
});

const TRANSITIONS: Readonly<Record<OperationStatus, readonly OperationStatus[]>> = Object.freeze({
  waiting_approval: ['scheduled', 'cancelled', 'expired'],
  scheduled: ['running', 'cancelled'],
  // running → scheduled is a retry; running → cancelled is a cooperative cancel.
  running: ['succeeded', 'failed', 'scheduled', 'cancelled'],
  succeeded: [],
  // failed → scheduled is a restart requested by a user.
  failed: ['scheduled'],
  cancelled: [],
  expired: [],
});

export function canTransition(from: OperationStatus, to: OperationStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Throws `OST_ILLEGAL_TRANSITION` when the status machine forbids `from → to`. */
export function assertTransition(from: OperationStatus, to: OperationStatus): void {
  if (!canTransition(from, to)) {
    throw new OstiaryError('OST_ILLEGAL_TRANSITION', `operation cannot go from ${from} to ${to}`, {
      details: { from, to },
    });
  }
}

export function isTerminal(status: OperationStatus): boolean {
  return TRANSITIONS[status].length === 0;
}

export function isOperationStatus(value: string): value is OperationStatus {
  return (OPERATION_STATUSES as readonly string[]).includes(value);
}
