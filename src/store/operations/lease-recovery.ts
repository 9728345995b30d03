import { nextRetry, type RetryPolicy } from '../../domain/index.js';
import type { StoreContext, WriteTx } from '../store-context.js';
import type { RecoveredOperation } from '../store.js';
import type { OperationRow } from './operation-rows.js';
import { transition } from './operation-transition.js';

/** Operations recovered per transaction: keeps each transaction, and its row locks, short. */
const BATCH = 100;

const ABANDONED_MESSAGE = 'the worker stopped renewing its lease';

/**
 * Closes the attempts of running operations whose lease ran out before `now` as `abandoned`
 * and retries the operations by their retry policy, or fails them. Safe on several nodes at
 * once: candidates are locked skipping rows another recoverer holds, and every change is
 * conditional on the lease still being the expired one, so each operation is recovered once.
 */
export async function recoverExpiredLeases(ctx: StoreContext, now: number): Promise<readonly RecoveredOperation[]> {
  const recovered: RecoveredOperation[] = [];
  for (;;) {
    const batch = await ctx.write((tx) => recoverBatch(ctx, tx, now));
    recovered.push(...batch.recovered);
    if (batch.seen < BATCH) return Object.freeze(recovered);
  }
}

async function recoverBatch(ctx: StoreContext, tx: WriteTx, now: number): Promise<{ seen: number; recovered: RecoveredOperation[] }> {
  const query = tx.db
    .selectFrom('operations')
    .selectAll()
    .where('status', '=', 'running')
    .where('lease_expires_at', '<', now)
    .orderBy('lease_expires_at')
    .limit(BATCH);
  const rows = await ctx.dialect.lockSkippingLocked(query).execute();
  const recovered: RecoveredOperation[] = [];
  for (const row of rows) {
    const result = await recoverOne(tx, row, now);
    if (result) recovered.push(result);
  }
  if (recovered.some((r) => r.nextStatus === 'scheduled')) tx.wakeWorkers();
  return { seen: rows.length, recovered };
}

async function recoverOne(tx: WriteTx, row: OperationRow, now: number): Promise<RecoveredOperation | null> {
  const attemptId = row.current_attempt_id;
  if (attemptId === null || row.lease_owner === null) return null;
  const to = nextStatusAfterAbandon(row);
  const operation = await transition(tx, row, {
    to: to.status,
    set: {
      lease_owner: null,
      lease_expires_at: null,
      current_attempt_id: null,
      last_error_code: 'OST_ABANDONED',
      last_error_message: ABANDONED_MESSAGE,
      finished_at: to.status === 'scheduled' ? null : now,
      ...(to.status === 'scheduled' ? { not_before: now + to.delayMs } : {}),
    },
    fence: { workerId: row.lease_owner, attemptId },
    event: { attemptId, outcome: 'abandoned', errorCode: 'OST_ABANDONED', workerId: row.lease_owner },
  });
  if (!operation) return null;
  await tx.db
    .updateTable('attempts')
    .set({ ended_at: now, outcome: 'abandoned', error_code: 'OST_ABANDONED', message: ABANDONED_MESSAGE })
    .where('id', '=', attemptId)
    .where('ended_at', 'is', null)
    .execute();
  return Object.freeze({ operationId: row.id, attemptId, nextStatus: to.status });
}

type AfterAbandon = { status: 'scheduled'; delayMs: number } | { status: 'failed' | 'cancelled' };

// A cancel requested while the attempt ran wins over a retry, as in `complete`.
function nextStatusAfterAbandon(row: OperationRow): AfterAbandon {
  if (row.cancel_requested) return { status: 'cancelled' };
  const decision = nextRetry(JSON.parse(row.retry_policy) as RetryPolicy, row.attempt_count);
  return decision.retry ? { status: 'scheduled', delayMs: decision.delayMs } : { status: 'failed' };
}
