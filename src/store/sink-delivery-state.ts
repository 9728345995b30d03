import type { Kysely, Selectable } from 'kysely';
import { validationError } from '../domain/index.js';
import type { Database } from './database.js';
import { numberCommittedEvents, outboxHead } from './outbox-repository.js';
import type { DeliveryReport, SinkDelivery, SinkFailure, SinkLease, SinkRepository, SinkState } from './sink-store.js';
import type { SinkCursorsTable, SinkDeliveriesTable } from './sink-tables.js';
import type { StoreContext, WriteTx } from './store-context.js';

/** Delivery log entries kept per sink; older ones are pruned as new ones arrive. @defaultValue 200 */
export const DELIVERY_LOG_KEEP = 200;

/** Longest error text kept; longer ones are cut (they describe a network failure, never data). */
const ERROR_MAX = 500;

type DeliveryState = Pick<
  SinkRepository,
  'state' | 'states' | 'deliveries' | 'acquireLease' | 'releaseLease' | 'recordDelivered' | 'recordFailure' | 'rewind'
>;

/**
 * The cursor side of sinks. Every change a delivery loop makes is fenced by its lease: the
 * update matches only while `lease_owner` is the caller, so a loop that lost its lease to
 * another node cannot move the cursor under it.
 */
export function createSinkDeliveryState(ctx: StoreContext): DeliveryState {
  return {
    // The head counts every event committed so far: number them first (see `numberCommittedEvents`).
    state: (id: string) => numberCommittedEvents(ctx).then(() => ctx.query(async (db) => (await readStates(db, id))[0] ?? null)),
    states: () => numberCommittedEvents(ctx).then(() => ctx.query((db) => readStates(db, null))),
    deliveries: (id: string, limit: number) => ctx.query((db) => readDeliveries(db, id, limit)),
    acquireLease: (sinkId: string, owner: string, ttlMs: number) => ctx.write((tx) => acquireLease(tx, sinkId, owner, ttlMs)),
    releaseLease: (sinkId: string, owner: string) => ctx.write((tx) => releaseLease(tx, sinkId, owner)),
    recordDelivered: (sinkId: string, owner: string, toSeq: number, sent: number, log: readonly DeliveryReport[]) =>
      ctx.write((tx) => recordDelivered(tx, sinkId, owner, { toSeq, sent, log })),
    recordFailure: (sinkId: string, owner: string, failure: SinkFailure) => ctx.write((tx) => recordFailure(tx, sinkId, owner, failure)),
    rewind: (sinkId: string, owner: string, toSeq: number) => ctx.write((tx) => rewind(tx, sinkId, owner, toSeq)),
  };
}

async function readStates(db: Kysely<Database>, id: string | null): Promise<readonly SinkState[]> {
  const head = await outboxHead(db);
  let query = db.selectFrom('sink_cursors').selectAll().orderBy('sink_id');
  if (id !== null) query = query.where('sink_id', '=', id);
  return Object.freeze((await query.execute()).map((row) => toState(row, head)));
}

function toState(row: Selectable<SinkCursorsTable>, headSeq: number): SinkState {
  return Object.freeze({
    sinkId: row.sink_id,
    deliveredSeq: Number(row.delivered_seq),
    deliveredAt: row.delivered_at,
    deliveredCount: Number(row.delivered_count),
    failures: row.failures,
    totalFailures: Number(row.total_failures),
    lastError: row.last_error,
    lastErrorAt: row.last_error_at,
    nextAttemptAt: row.next_attempt_at,
    leaseOwner: row.lease_owner,
    leaseExpiresAt: row.lease_expires_at,
    headSeq,
    lag: Math.max(0, headSeq - Number(row.delivered_seq)),
  });
}

async function readDeliveries(db: Kysely<Database>, sinkId: string, limit: number): Promise<readonly SinkDelivery[]> {
  if (!Number.isInteger(limit) || limit < 1) throw validationError('limit', 'expected an integer ≥ 1');
  const rows = await db.selectFrom('sink_deliveries').selectAll().where('sink_id', '=', sinkId).orderBy('id', 'desc').limit(limit).execute();
  return Object.freeze(rows.map(toDelivery));
}

function toDelivery(row: Selectable<SinkDeliveriesTable>): SinkDelivery {
  return Object.freeze({
    id: Number(row.id),
    sinkId: row.sink_id,
    firstSeq: Number(row.first_seq),
    lastSeq: Number(row.last_seq),
    attempt: row.attempt,
    ok: row.ok === true || row.ok === 1,
    statusCode: row.status_code,
    error: row.error,
    at: row.at,
  });
}

async function acquireLease(tx: WriteTx, sinkId: string, owner: string, ttlMs: number): Promise<SinkLease | null> {
  const row = await tx.db
    .updateTable('sink_cursors')
    .set({ lease_owner: owner, lease_expires_at: tx.now + ttlMs, updated_at: tx.now })
    .where('sink_id', '=', sinkId)
    .where((eb) => eb.or([eb('lease_owner', 'is', null), eb('lease_owner', '=', owner), eb('lease_expires_at', '<', tx.now)]))
    .returning(['delivered_seq', 'failures'])
    .executeTakeFirst();
  return row ? { deliveredSeq: Number(row.delivered_seq), failures: row.failures } : null;
}

async function releaseLease(tx: WriteTx, sinkId: string, owner: string): Promise<void> {
  await tx.db
    .updateTable('sink_cursors')
    .set({ lease_owner: null, lease_expires_at: null, updated_at: tx.now })
    .where('sink_id', '=', sinkId)
    .where('lease_owner', '=', owner)
    .execute();
}

interface Delivered {
  readonly toSeq: number;
  readonly sent: number;
  readonly log: readonly DeliveryReport[];
}

async function recordDelivered(tx: WriteTx, sinkId: string, owner: string, delivered: Delivered): Promise<boolean> {
  const result = await tx.db
    .updateTable('sink_cursors')
    .set((eb) => ({
      delivered_seq: delivered.toSeq,
      delivered_at: tx.now,
      delivered_count: eb('delivered_count', '+', delivered.sent),
      failures: 0,
      next_attempt_at: null,
      updated_at: tx.now,
    }))
    .where('sink_id', '=', sinkId)
    .where('lease_owner', '=', owner)
    .where('delivered_seq', '<=', delivered.toSeq)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) return false;
  await appendLog(tx, sinkId, delivered.log);
  return true;
}

async function recordFailure(tx: WriteTx, sinkId: string, owner: string, failure: SinkFailure): Promise<boolean> {
  const error = failure.error.slice(0, ERROR_MAX);
  const result = await tx.db
    .updateTable('sink_cursors')
    .set((eb) => ({
      failures: eb('failures', '+', 1),
      total_failures: eb('total_failures', '+', 1),
      last_error: error,
      last_error_at: tx.now,
      next_attempt_at: failure.nextAttemptAt,
      updated_at: tx.now,
    }))
    .where('sink_id', '=', sinkId)
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) return false;
  await appendLog(tx, sinkId, failure.log);
  return true;
}

async function rewind(tx: WriteTx, sinkId: string, owner: string, toSeq: number): Promise<boolean> {
  const result = await tx.db
    .updateTable('sink_cursors')
    .set({ delivered_seq: toSeq, updated_at: tx.now })
    .where('sink_id', '=', sinkId)
    .where('lease_owner', '=', owner)
    .where('delivered_seq', '>', toSeq)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

async function appendLog(tx: WriteTx, sinkId: string, log: readonly DeliveryReport[]): Promise<void> {
  if (log.length === 0) return;
  await tx.db.insertInto('sink_deliveries').values(log.map((entry) => logRow(sinkId, entry, tx.now))).execute();
  await pruneLog(tx, sinkId);
}

function logRow(sinkId: string, entry: DeliveryReport, now: number) {
  return {
    sink_id: sinkId,
    first_seq: entry.firstSeq,
    last_seq: entry.lastSeq,
    attempt: entry.attempt,
    ok: entry.ok ? 1 : 0,
    status_code: entry.statusCode ?? null,
    error: entry.error === undefined || entry.error === null ? null : entry.error.slice(0, ERROR_MAX),
    at: now,
  };
}

async function pruneLog(tx: WriteTx, sinkId: string): Promise<void> {
  const oldestKept = tx.db
    .selectFrom('sink_deliveries')
    .select('id')
    .where('sink_id', '=', sinkId)
    .orderBy('id', 'desc')
    .limit(1)
    .offset(DELIVERY_LOG_KEEP - 1);
  await tx.db
    .deleteFrom('sink_deliveries')
    .where('sink_id', '=', sinkId)
    .where('id', '<', oldestKept)
    .execute();
}
