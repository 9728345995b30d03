/** How one attempt ended. `abandoned` is set by lease recovery, never by a worker. */
export const ATTEMPT_OUTCOMES = [
  'succeeded',
  'failed',
  'retryable_error',
  'timeout',
  'cancelled',
  'abandoned',
] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

/** One try of an operation, with its redacted transcript. */
export interface Attempt {
  readonly id: string;
  readonly operationId: string;
  /** 1-based. */
  readonly number: number;
  readonly workerId: string;
  readonly startedAt: number;
  readonly endedAt: number | null;
  /** `null` while the attempt runs. */
  readonly outcome: AttemptOutcome | null;
  readonly errorCode: string | null;
  readonly message: string | null;
  /** Redacted before it was stored; never holds a secret. */
  readonly transcript: string;
}
