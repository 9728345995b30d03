import type { Kysely } from 'kysely';
import { OstiaryError, type Operation } from '../domain/index.js';
import type { Database } from './database.js';
import { decodeCursor, pageLimit, toPage } from './pagination.js';
import { requireFence, insertRotation, rotationInProgress } from './rotation-locking.js';
import { toRotation } from './rotation-rows.js';
import { commitRotation, confirmCurrent, finishStale, handOver, keepCurrent, markOutOfSync, markUnverified, recordIntent, reopen } from './rotation-steps.js';
import type { RotationFence, RotationJournal, RotationKind, RotationRecord, RotationRequest, RotationStart } from './rotation-store.js';
import type { StoreContext, WriteTx } from './store-context.js';
import type { Page, PageOf } from './store.js';

/** Operation statuses after which nothing runs the rotation any more. */
const ENDED = ['succeeded', 'failed', 'cancelled', 'expired'] as const;

/** The rotation journal and lock (see rotation-store.ts). */
export function createRotationJournal(ctx: StoreContext): RotationJournal {
  const one = (where: (db: Kysely<Database>) => Promise<RotationRecord | null>) => ctx.query(where);
  return Object.freeze({
    request: (request) => requestRotation(ctx, request),
    attach: (operation, kind, fence) => ctx.write((tx) => attach(tx, operation, kind, fence)),
    get: (id) => one((db) => findOne(db, 'id', id)),
    forOperation: (operationId) => one((db) => findOne(db, 'operation_id', operationId)),
    active: (credentialId) => one((db) => findActive(db, credentialId)),
    list: (credentialId, page) => listRotations(ctx, credentialId, page),
    recordIntent: (rotationId, secretId, value, fence) => ctx.write((tx) => recordIntent(tx, rotationId, secretId, value, fence)),
    commit: (rotationId, fence, children) => ctx.write((tx) => commitRotation(tx, rotationId, fence, children)),
    keepCurrent: (rotationId, fence, failure) => ctx.write((tx) => keepCurrent(tx, rotationId, fence, failure)),
    reopen: (rotationId, fence) => ctx.write((tx) => reopen(tx, rotationId, fence)),
    outOfSync: (rotationId, fence, errorCode, reconcile) => ctx.write((tx) => markOutOfSync(tx, rotationId, fence, errorCode, reconcile)),
    markUnverified: (rotationId, fence) => ctx.write((tx) => markUnverified(tx, rotationId, fence)),
    confirmCurrent: (rotationId, fence) => ctx.write((tx) => confirmCurrent(tx, rotationId, fence)),
    finish: (rotationId, phase, errorCode) => ctx.write((tx) => finishStale(tx, rotationId, phase, errorCode)),
    handOver: (rotationId, next) => ctx.write((tx) => handOver(tx, rotationId, next)),
    stale: (limit) => ctx.query((db) => staleRotations(db, limit)),
  } satisfies RotationJournal);
}

async function requestRotation(ctx: StoreContext, request: RotationRequest): Promise<RotationStart> {
  const started = await ctx.write(async (tx) => {
    const credential = await tx.db.selectFrom('credentials').select('id').where('id', '=', request.credentialId).executeTakeFirst();
    if (!credential) throw new OstiaryError('OST_NOT_FOUND', `credentialId: credential ${request.credentialId} does not exist`, { details: { field: 'credentialId', id: request.credentialId } });
    return insertRotation(tx, request);
  });
  if (started) return started;
  const active = await ctx.query((db) => findActive(db, request.credentialId));
  throw rotationInProgress(request.credentialId, active?.id ?? null);
}

async function attach(tx: WriteTx, operation: Operation, kind: RotationKind, fence: RotationFence): Promise<RotationRecord> {
  await requireFence(tx, fence);
  const existing = await findOne(tx.db, 'operation_id', operation.id);
  if (existing) return existing;
  if (operation.credentialId === null) throw new OstiaryError('OST_VALIDATION', `operation.credentialId: a ${kind} operation needs a credential`, { details: { field: 'operation.credentialId' } });
  const now = tx.now;
  const row = {
    id: operation.id, credential_id: operation.credentialId, operation_id: operation.id, kind, trigger: 'operation', requester: operation.requester,
    parent_rotation_id: null, phase: 'requested', error_code: null, created_at: now, updated_at: now, finished_at: null,
  };
  const inserted = await tx.db.insertInto('rotations').values(row).onConflict((conflict) => conflict.doNothing()).returningAll().executeTakeFirst();
  if (inserted) return toRotation(inserted);
  const active = await findActive(tx.db, operation.credentialId);
  throw rotationInProgress(operation.credentialId, active?.id ?? null);
}

async function findOne(db: Kysely<Database>, column: 'id' | 'operation_id', value: string): Promise<RotationRecord | null> {
  const row = await db.selectFrom('rotations').selectAll().where(column, '=', value).executeTakeFirst();
  return row ? toRotation(row) : null;
}

async function findActive(db: Kysely<Database>, credentialId: string): Promise<RotationRecord | null> {
  const row = await db.selectFrom('rotations').selectAll().where('credential_id', '=', credentialId).where('finished_at', 'is', null).executeTakeFirst();
  return row ? toRotation(row) : null;
}

/** Newest first (created_at desc, id desc). */
async function listRotations(ctx: StoreContext, credentialId: string, page?: Page): Promise<PageOf<RotationRecord>> {
  const limit = pageLimit(page);
  const after = decodeCursor(page);
  return ctx.query(async (db) => {
    let query = db.selectFrom('rotations').selectAll().where('credential_id', '=', credentialId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1);
    if (after) query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(Number(after[0]), after[1])));
    return toPage(await query.execute(), limit, toRotation, (row) => [row.created_at, row.id]);
  });
}

async function staleRotations(db: Kysely<Database>, limit: number): Promise<readonly RotationRecord[]> {
  const rows = await db
    .selectFrom('rotations as r')
    .leftJoin('operations as o', 'o.id', 'r.operation_id')
    .selectAll('r')
    .where('r.finished_at', 'is', null)
    .where((eb) => eb.or([eb('o.id', 'is', null), eb('o.status', 'in', [...ENDED])]))
    // A verify that ended with a pending secret still unsettled waits for an operator (see settleStaleRotation).
    .where((eb) =>
      eb.not(
        eb.and([
          eb('r.kind', '=', 'verify'),
          eb.exists(
            eb.selectFrom('credentials as c').innerJoin('secret_versions as v', 'v.secret_id', 'c.secret_id').select('v.version').whereRef('c.id', '=', 'r.credential_id').where('v.state', '=', 'pending'),
          ),
        ]),
      ),
    )
    .orderBy('r.created_at')
    .limit(limit)
    .execute();
  return Object.freeze(rows.map(toRotation));
}
