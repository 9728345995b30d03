import { sql, type Updateable } from 'kysely';
import { assertTransition, type Operation, type OperationStatus } from '../../domain/index.js';
import type { OperationsTable } from '../database.js';
import type { WriteTx } from '../store-context.js';
import { toOperation, type OperationRow } from './operation-rows.js';

/** A lease the row must still be held under for the change to apply. */
export interface LeaseFence {
  readonly workerId: string;
  readonly attemptId: string;
}

export interface Transition {
  readonly to: OperationStatus;
  readonly set?: Updateable<OperationsTable>;
  readonly fence?: LeaseFence;
  /** Added to the outbox event's payload: ids and codes only, never a secret or free text. */
  readonly event?: Readonly<Record<string, unknown>>;
}

/**
 * Moves an operation from the status it was read in to `to`, and queues the outbox event
 * `operation.<to>`. The update is conditional on the status read (and the lease, when
 * fenced), so a concurrent change makes it match nothing: then it returns `null` and
 * changes nothing.
 */
export async function transition(tx: WriteTx, row: RowBefore, change: Transition): Promise<Operation | null> {
  assertTransition(row.status as OperationStatus, change.to);
  let update = tx.db
    .updateTable('operations')
    .set({ ...change.set, status: change.to, updated_at: tx.now })
    .where('id', '=', row.id)
    .where('status', '=', row.status);
  if (change.fence) update = update.where('lease_owner', '=', change.fence.workerId).where('current_attempt_id', '=', change.fence.attemptId);
  const updated = await update.returningAll().executeTakeFirst();
  if (!updated) return null;
  // The ids in the event never change, so the updated row gives them.
  tx.appendEvent(`operation.${change.to}`, row.id, { ...eventBase(updated), from: row.status, to: change.to, ...change.event });
  return toOperation(updated);
}

/**
 * What a move needs to know of the row before it: its id and the status it was seen in (read,
 * or known from the lease being held: a fenced row is `running`).
 */
export type RowBefore = Pick<OperationRow, 'id' | 'status'>;

/** The ids every operation event carries. */
export function eventBase(row: Pick<OperationRow, 'id' | 'device_id' | 'credential_id' | 'run_id'>): Record<string, unknown> {
  return { operationId: row.id, deviceId: row.device_id, credentialId: row.credential_id, runId: row.run_id };
}

/** One row's move in {@link transitionMany}. */
export interface RowTransition extends Transition {
  readonly row: RowBefore;
}

/**
 * {@link transition} for several operations in one UPDATE: one statement however many rows,
 * which is what keeps a busy engine's claims and reports cheap. Each row keeps its own
 * condition (the status it was read in, its lease fence) and its own values; the result is in
 * the order given, `null` where the row matched no longer (changed concurrently: nothing of
 * it was changed). Every row appears at most once.
 *
 * Per-row values are `CASE id WHEN … THEN … ELSE column END`: the `ELSE column` keeps a row
 * that does not set the column unchanged, and gives PostgreSQL the column's type for the
 * bound values.
 */
export async function transitionMany(tx: WriteTx, moves: readonly RowTransition[]): Promise<(Operation | null)[]> {
  if (moves.length === 0) return [];
  if (moves.length === 1) {
    const [move] = moves as [RowTransition];
    return [await transition(tx, move.row, move)];
  }
  for (const move of moves) assertTransition(move.row.status as OperationStatus, move.to);
  const updated = new Map<string, OperationRow>();
  for (let start = 0; start < moves.length; start += MAX_ROWS_PER_UPDATE) {
    const chunk = moves.slice(start, start + MAX_ROWS_PER_UPDATE);
    const rows = await tx.db
      .updateTable('operations')
      .set(setPerRow(chunk, tx.now))
      .where('id', 'in', chunk.map((move) => move.row.id))
      .where((eb) => eb.or(chunk.map((move) => eb.and(conditionOf(move)))))
      .returningAll()
      .execute();
    for (const row of rows) updated.set(row.id, row);
  }
  return moves.map((move) => {
    const row = updated.get(move.row.id);
    if (!row) return null;
    tx.appendEvent(`operation.${move.to}`, move.row.id, { ...eventBase(row), from: move.row.status, to: move.to, ...move.event });
    return toOperation(row);
  });
}

/** Rows per UPDATE of {@link transitionMany}: keeps the bound parameters well under SQLite's limit. */
const MAX_ROWS_PER_UPDATE = 200;

/** The row's own condition: the status it was read in, and its lease when fenced. */
function conditionOf(move: RowTransition): Partial<Record<'id' | 'status' | 'lease_owner' | 'current_attempt_id', string>> {
  const condition = { id: move.row.id, status: move.row.status };
  return move.fence ? { ...condition, lease_owner: move.fence.workerId, current_attempt_id: move.fence.attemptId } : condition;
}

/** The SET clause: a plain value where every row gets the same one, else a CASE on the id. */
function setPerRow(moves: readonly RowTransition[], now: number): Record<string, unknown> {
  const values = moves.map((move) => ({ ...move.set, status: move.to, updated_at: now }) as Record<string, unknown>);
  const columns = new Set(values.flatMap((value) => Object.keys(value)));
  const set: Record<string, unknown> = {};
  for (const column of columns) {
    const first = values[0]?.[column];
    const same = values.every((value) => column in value && value[column] === first);
    if (same) {
      set[column] = first;
      continue;
    }
    const whens = moves.flatMap((move, i) => {
      const value = values[i] as Record<string, unknown>;
      return column in value ? [sql`when ${move.row.id} then ${value[column]}`] : [];
    });
    set[column] = sql`case ${sql.ref('id')} ${sql.join(whens, sql` `)} else ${sql.ref(column)} end`;
  }
  return set;
}
