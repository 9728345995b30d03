import { sql, type RawBuilder } from 'kysely';
import { ATTEMPT_OUTCOMES, OstiaryError, validationError, type Operation } from '../../domain/index.js';
import type { StoreContext, WriteTx } from '../store-context.js';
import { notFound } from '../store-errors.js';
import type { AttemptResult, ClaimRequest, CompletedBatch, Completion, CompletionOutcome, HeartbeatResult } from '../store.js';
import { claimInTransaction, validateClaim } from './claim-next.js';
import type { OperationRow } from './operation-rows.js';
import { transitionMany, type RowTransition } from './operation-transition.js';

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
  const [outcome] = await completeMany(ctx, [{ operationId, attemptId, workerId, result }]);
  // One item gives one outcome.
  if (!outcome?.ok) throw outcome?.error ?? new OstiaryError('OST_INTERNAL', `no outcome for attempt ${attemptId}`);
  return outcome.operation;
}

/**
 * Ends several attempts in one transaction (one commit and one outbox numbering for all),
 * with a fixed number of statements however many there are: one read of the operations, one
 * UPDATE moving them, one UPDATE ending the attempts. Each item is fenced on its own lease and
 * gets its own outcome, so one lost lease or one invalid result leaves the others reported. A
 * database failure fails the whole batch, and nothing of it is written.
 */
export async function completeMany(ctx: StoreContext, items: readonly Completion[]): Promise<readonly CompletionOutcome[]> {
  const invalid = validateAll(items);
  if (invalid.every((outcome) => outcome !== null)) return invalid as CompletionOutcome[];
  return ctx.write((tx) => completeBatch(tx, items, invalid));
}

/**
 * {@link completeMany}, then, in the same transaction, claims up to `max` operations for the
 * worker whose attempts just ended (see `claimInTransaction`): a busy worker pays one
 * transaction, not two, for each turn of its slots.
 */
export async function completeAndClaim(ctx: StoreContext, items: readonly Completion[], request: ClaimRequest, max: number): Promise<CompletedBatch> {
  validateClaim(request, max, 0);
  const invalid = validateAll(items);
  if (max === 0 && invalid.every((outcome) => outcome !== null)) return { outcomes: invalid as CompletionOutcome[], claims: [] };
  return ctx.write(async (tx) => {
    const outcomes = await completeBatch(tx, items, invalid);
    return { outcomes, claims: max === 0 ? [] : await claimInTransaction(ctx, tx, request, max) };
  });
}

/** `null` for a valid item, its refusal otherwise. */
function validateAll(items: readonly Completion[]): (CompletionOutcome | null)[] {
  return items.map((item) => {
    try {
      validateResult(item.result);
      return null;
    } catch (error) {
      return { ok: false, error: error as OstiaryError };
    }
  });
}

async function completeBatch(tx: WriteTx, items: readonly Completion[], invalid: readonly (CompletionOutcome | null)[]): Promise<CompletionOutcome[]> {
  const done = [...invalid];
  const pending = items.flatMap((item, i) => (done[i] === null ? [{ item, i }] : []));
  if (pending.length === 0) return done as CompletionOutcome[];
  // Only a retry reads the row first: a cancel requested while the attempt ran turns it into
  // `cancelled`. Any other report moves a row whose state the lease fence fully decides.
  const rows = pending.some(({ item }) => item.result.nextStatus === 'scheduled') ? await readOperations(tx, pending.map(({ item }) => item.operationId)) : null;
  const moves: { item: Completion; i: number; move: RowTransition }[] = [];
  const moved = new Set<string>();
  for (const { item, i } of pending) {
    const row = rows ? rows.get(item.operationId) : fencedRow(item);
    if (!row) done[i] = { ok: false, error: notFound('operation', item.operationId) };
    // A second report of one operation in the same batch finds it already moved by the first.
    else if (!holdsLease(row, item) || moved.has(row.id)) done[i] = { ok: false, error: leaseLost(item.attemptId) };
    else {
      moved.add(row.id);
      moves.push({ item, i, move: completion(tx, row, item) });
    }
  }
  const operations = await transitionMany(tx, moves.map(({ move }) => move));
  const ended: Completion[] = [];
  const missed: { item: Completion; i: number }[] = [];
  moves.forEach(({ item, i }, k) => {
    const operation = operations[k];
    if (!operation) return void missed.push({ item, i });
    done[i] = { ok: true, operation };
    ended.push(item);
  });
  const known = missed.length === 0 ? new Map<string, OperationRow>() : await readOperations(tx, missed.map(({ item }) => item.operationId));
  for (const { item, i } of missed) {
    done[i] = { ok: false, error: known.has(item.operationId) ? leaseLost(item.attemptId) : notFound('operation', item.operationId) };
  }
  await endAttempts(tx, ended);
  return done as CompletionOutcome[];
}

/** The row as a report that holds its lease knows it: running, under this worker and attempt (the UPDATE checks it). */
function fencedRow({ operationId, workerId, attemptId }: Completion): LeaseView {
  return { id: operationId, status: 'running', lease_owner: workerId, current_attempt_id: attemptId, cancel_requested: false };
}

type LeaseView = Pick<OperationRow, 'id' | 'status' | 'lease_owner' | 'current_attempt_id' | 'cancel_requested'>;

async function readOperations(tx: WriteTx, ids: readonly string[]): Promise<Map<string, OperationRow>> {
  const rows = new Map<string, OperationRow>();
  const unique = [...new Set(ids)];
  for (let start = 0; start < unique.length; start += ROWS_PER_STATEMENT) {
    const chunk = unique.slice(start, start + ROWS_PER_STATEMENT);
    for (const row of await tx.db.selectFrom('operations').selectAll().where('id', 'in', chunk).execute()) rows.set(row.id, row);
  }
  return rows;
}

function holdsLease(row: LeaseView, { workerId, attemptId }: Completion): boolean {
  return row.status === 'running' && row.lease_owner === workerId && row.current_attempt_id === attemptId;
}

/** The operation's move for a reported attempt. A cancel requested while the attempt ran wins over a retry. */
function completion(tx: WriteTx, row: LeaseView, { attemptId, workerId, result }: Completion): RowTransition {
  const to = result.nextStatus === 'scheduled' && Boolean(row.cancel_requested) ? 'cancelled' : result.nextStatus;
  return {
    row,
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
  };
}

/** Ends the reported attempts in one UPDATE, each with its own outcome and transcript tail. */
async function endAttempts(tx: WriteTx, items: readonly Completion[]): Promise<void> {
  for (let start = 0; start < items.length; start += ROWS_PER_STATEMENT) {
    const chunk = items.slice(start, start + ROWS_PER_STATEMENT);
    const perAttempt = <T extends string | null>(value: (result: AttemptResult) => T, otherwise: RawBuilder<T>) =>
      sql<T>`case ${sql.ref('id')} ${sql.join(chunk.map((item) => sql`when ${item.attemptId} then ${value(item.result)}`), sql` `)} else ${otherwise} end`;
    await tx.db
      .updateTable('attempts')
      .set({
        ended_at: tx.now,
        outcome: perAttempt<string>((result) => result.outcome, sql.ref('outcome')),
        error_code: perAttempt<string | null>((result) => result.errorCode ?? null, sql.ref('error_code')),
        message: perAttempt<string | null>((result) => result.message ?? null, sql.ref('message')),
        transcript: sql<string>`transcript || ${perAttempt<string>((result) => result.transcriptTail ?? '', sql.lit(''))}`,
      })
      .where('id', 'in', chunk.map((item) => item.attemptId))
      .execute();
  }
}

/** Rows per statement of a batch: keeps the bound parameters well under SQLite's limit. */
const ROWS_PER_STATEMENT = 200;

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
