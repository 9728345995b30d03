import type { OperationStatus } from '../../domain/index.js';
import type { OperationRow } from '../operations/operation-rows.js';
import { transition } from '../operations/operation-transition.js';
import type { WriteTx } from '../store-context.js';

/**
 * Moves every `waiting_approval` operation of a run to `to` inside the caller's transaction,
 * through the queue's own status machine and outbox events (the same code `release` uses).
 */
export async function moveWaitingOperations(tx: WriteTx, runId: string, to: Extract<OperationStatus, 'scheduled' | 'cancelled' | 'expired'>, event: Record<string, unknown>): Promise<number> {
  const rows: OperationRow[] = await tx.db.selectFrom('operations').selectAll().where('run_id', '=', runId).where('status', '=', 'waiting_approval').execute();
  let moved = 0;
  for (const row of rows) {
    const done = await transition(tx, row, { to, set: { finished_at: to === 'scheduled' ? null : tx.now }, event });
    if (done) moved += 1;
  }
  if (to === 'scheduled' && moved > 0) tx.wakeWorkers();
  return moved;
}
