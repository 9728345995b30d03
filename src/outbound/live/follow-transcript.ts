import { setTimeout as sleep } from 'node:timers/promises';
import type { OperationStatus } from '../../domain/index.js';
import { OstiaryError } from '../../domain/index.js';
import type { Store } from '../../store/store.js';

/** What following an operation's transcript yields, in order. */
export type TranscriptUpdate =
  | { readonly kind: 'attempt'; readonly attempt: number }
  /** More transcript of the attempt (already redacted by the engine before it was stored). */
  | { readonly kind: 'output'; readonly attempt: number; readonly text: string }
  | { readonly kind: 'attempt-end'; readonly attempt: number; readonly outcome: string; readonly errorCode: string | null }
  | { readonly kind: 'end'; readonly status: OperationStatus };

/** Statuses after which nothing more runs unless someone restarts the operation. */
export const FINISHED_STATUSES: ReadonlySet<OperationStatus> = new Set(['succeeded', 'failed', 'cancelled', 'expired']);

export interface FollowOptions {
  /** How often to look for new output, in ms. @defaultValue 250 */
  readonly intervalMs?: number;
  /** Stop following (client went away). */
  readonly signal?: AbortSignal;
  /** Keep going until the operation ends; `false` yields what is there now and stops. @defaultValue true */
  readonly follow?: boolean;
}

/**
 * Follows an operation's transcript while it runs: the engine stores the redacted transcript
 * at each heartbeat, and this reads the attempts again every `intervalMs`, yielding only what
 * is new. Ends with `end` once the operation is finished and every attempt is closed.
 */
export async function* followTranscript(store: Store, operationId: string, options: FollowOptions = {}): AsyncGenerator<TranscriptUpdate> {
  const printed = new Map<string, number>();
  const closed = new Set<string>();
  while (!options.signal?.aborted) {
    // The operation is read before its attempts: once it has ended, the attempts read next are complete.
    const operation = await store.operations.get(operationId);
    if (!operation) throw new OstiaryError('OST_NOT_FOUND', `operation ${operationId} does not exist`, { details: { id: operationId } });
    const attempts = await store.operations.attempts(operationId);
    for (const attempt of attempts) {
      if (closed.has(attempt.id)) continue;
      const seen = printed.get(attempt.id);
      if (seen === undefined) yield { kind: 'attempt', attempt: attempt.number };
      const text = attempt.transcript.slice(seen ?? 0);
      if (text !== '') yield { kind: 'output', attempt: attempt.number, text };
      printed.set(attempt.id, attempt.transcript.length);
      if (attempt.outcome === null) continue;
      yield { kind: 'attempt-end', attempt: attempt.number, outcome: attempt.outcome, errorCode: attempt.errorCode };
      closed.add(attempt.id);
    }
    const ended = FINISHED_STATUSES.has(operation.status) && attempts.every((a) => a.endedAt !== null);
    if (ended) yield { kind: 'end', status: operation.status };
    if (ended || options.follow === false) return;
    await sleep(options.intervalMs ?? 250, undefined, { signal: options.signal }).catch(() => undefined);
  }
}
