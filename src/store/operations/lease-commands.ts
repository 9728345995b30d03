import { sql } from 'kysely';
import { ATTEMPT_OUTCOMES, OstiaryError, isOstiaryError, validationError, type Operation } from '../../domain/index.js';
import type { StoreContext, WriteTx } from '../store-context.js';
import { notFound } from '../store-errors.js';
import type { AttemptResult, Completion, CompletionOutcome, HeartbeatResult } from '../store.js';
import { transition } from './operation-transition.js';

const NEXT_STATUSES = ['succeeded', 'failed', 'cancelled', 'scheduled'] as const;

/**
 * Extends the lease when the worker still holds it for this attempt. A lease that ran out but
 * was not yet recovered is still the worker's: recovery and heartbeat are both conditional
 * updates of the same row, so exactly one of them wins.
 */
export async function heartbeat(
  ctx: StoreContext,
  operationId: string,
  attemptId: string,
  workerId: string,
  leaseMs: number,
): Promise<HeartbeatResult | null> {
  if (!Number.isInteger(leaseMs) || leaseMs < 1) throw validationError('leaseMs', 'expected an integer ≥ 1');
  const now = ctx.clock();
  const row = await ctx.query((db) =>
    db
      .updateTable('operations')
      .set({ lease_expires_at: now + leaseMs, updated_at: now })
      .where('id', '=', operationId)
      .where('status', '=', 'running')
      .where('lease_owner', '=', workerId)
      .where('current_attempt_id', '=', attemptId)
      .returning(['lease_expires_at', 'cancel_requested'])
      .executeTakeFirst(),
  );
  if (!row) return null;
  return Object.freeze({ leaseExpiresAt: Number(row.lease_expires_at), cancelRequested: Boolean(row.cancel_requested) });
}

/** Appends to the attempt while this worker holds its lease; `OST_LEASE_LOST` otherwise. */
export async function appendTranscript(ctx: StoreContext, attemptId: string, workerId: string, text: string): Promise<void> {
  if (typeof text !== 'string') throw validationError('transcript', 'expected text');
  if (text === '') return;
  const result = await ctx.query((db) =>
    db
      .updateTable('attempts')
      .set({ transcript: sql<string>`transcript || ${text}` })
      .where('id', '=', attemptId)
      .where('worker_id', '=', workerId)
      .where('ended_at', 'is', null)
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom('operations')
            .select('id')
            .where('current_attempt_id', '=', attemptId)
            .where('lease_owner', '=', workerId)
            .where('status', '=', 'running'),
        ),
      )
      .executeTakeFirst(),
  );
  if (result.numUpdatedRows === 0n) throw leaseLost(attemptId);
}

/**
 * Ends the attempt and moves the operation, fenced on the lease: when the worker no longer
 * holds it, throws `OST_LEASE_LOST` and changes nothing. A cancel requested while the attempt
 * ran wins over a retry, so a cancelled operation never runs again.
 */
export async function complete(
  ctx: StoreContext,
  operationId: string,
  attemptId: string,
  workerId: string,
  result: AttemptResult,
): Promise<Operation> {
  validateResult(result);
  return ctx.write((tx) => completeIn(tx, { operationId, attemptId, workerId, result }));
}

/**
 * Ends several attempts in one transaction (one commit and one outbox numbering for all):
 * each item is fenced on its own lease and gets its own outcome, so one lost lease or one
 * invalid result leaves the others reported. A database failure fails the whole batch, and
 * nothing of it is written.
 */
export async function completeMany(ctx: StoreContext, items: readonly Completion[]): Promise<readonly CompletionOutcome[]> {
  const outcomes: (CompletionOutcome | null)[] = items.map((item) => {
    try {
      validateResult(item.result);
      return null;
    } catch (error) {
      return { ok: false, error: error as OstiaryError };
    }
  });
  if (outcomes.every((outcome) => outcome !== null)) return outcomes as CompletionOutcome[];
  return ctx.write(async (tx) => {
    const done: CompletionOutcome[] = [];
    for (const [i, item] of items.entries()) {
      const invalid = outcomes[i];
      if (invalid) {
        done.push(invalid);
        continue;
      }
      try {
        done.push({ ok: true, operation: await completeIn(tx, item) });
      } catch (error) {
        // Thrown before the item wrote anything (see `completeIn`): safe to go on with the rest.
        if (isOstiaryError(error) && (error.code === 'OST_LEASE_LOST' || error.code === 'OST_NOT_FOUND')) done.push({ ok: false, error });
        else throw error;
      }
    }
    return done;
  });
}

/** Writes nothing when it throws `OST_NOT_FOUND` or `OST_LEASE_LOST`: both are decided before the first write. */
async function completeIn(tx: WriteTx, { operationId, attemptId, workerId, result }: Completion): Promise<Operation> {
  const row = await tx.db.selectFrom('operations').selectAll().where('id', '=', operationId).executeTakeFirst();
  if (!row) throw notFound('operation', operationId);
  if (row.status !== 'running' || row.lease_owner !== workerId || row.current_attempt_id !== attemptId) throw leaseLost(attemptId);
  const to = result.nextStatus === 'scheduled' && Boolean(row.cancel_requested) ? 'cancelled' : result.nextStatus;
  const operation = await transition(tx, row, {
    to,
    set: {
      lease_owner: null,
      lease_expires_at: null,
      current_attempt_id: null,
      last_error_code: result.errorCode ?? null,
      last_error_message: result.message ?? null,
      // `failed` is not terminal in the status machine (a user may restart it) but it is finished.
      finished_at: to === 'scheduled' ? null : tx.now,
      ...(to === 'scheduled' ? { not_before: result.retryAt ?? tx.now } : {}),
    },
    fence: { workerId, attemptId },
    event: { attemptId, outcome: result.outcome, errorCode: result.errorCode ?? null },
  });
  if (!operation) throw leaseLost(attemptId);
  await endAttempt(tx, attemptId, result);
  return operation;
}

async function endAttempt(tx: WriteTx, attemptId: string, result: AttemptResult): Promise<void> {
  await tx.db
    .updateTable('attempts')
    .set({
      ended_at: tx.now,
      outcome: result.outcome,
      error_code: result.errorCode ?? null,
      message: result.message ?? null,
      transcript: sql<string>`transcript || ${result.transcriptTail ?? ''}`,
    })
    .where('id', '=', attemptId)
    .execute();
}

function validateResult(result: AttemptResult): void {
  if (!(ATTEMPT_OUTCOMES as readonly string[]).includes(result.outcome) || result.outcome === ('abandoned' as string)) {
    throw validationError('result.outcome', 'expected succeeded, failed, retryable_error, timeout or cancelled');
  }
  if (!(NEXT_STATUSES as readonly string[]).includes(result.nextStatus)) {
    throw validationError('result.nextStatus', `expected one of ${NEXT_STATUSES.join(', ')}`);
  }
  if (result.retryAt !== undefined && !Number.isSafeInteger(result.retryAt)) throw validationError('result.retryAt', 'expected epoch milliseconds');
}

function leaseLost(attemptId: string): OstiaryError {
  return new OstiaryError('OST_LEASE_LOST', `attempt ${attemptId} no longer holds the lease of its operation`, {
    details: { attemptId },
  });
}
