import { OstiaryError, newId, validationError } from '../../domain/index.js';
import type { StoreContext, WriteTx } from '../store-context.js';
import type { Claim, ClaimRequest } from '../store.js';
import { toAttempt, type AttemptRow, type OperationRow } from './operation-rows.js';
import { transition } from './operation-transition.js';

/**
 * A device filled up between choosing a candidate and locking the device: another claimer
 * won the race. Each retry leaves that device out, so the loop ends; the bound is a guard.
 */
const MAX_CLAIM_ROUNDS = 16;

type Round = { readonly claim: Claim | null } | { readonly fullDevice: string };

/**
 * Takes the most urgent due operation the worker can run, respecting the per-device limit
 * across every worker. Each round is one transaction: pick a candidate (skipping rows other
 * claimers hold), lock its device, recount the device's running operations under that lock,
 * then start the attempt. A round that finds the device full ends its transaction, so a
 * transaction never holds more than one device lock and claimers cannot deadlock.
 */
export async function claimNext(ctx: StoreContext, request: ClaimRequest): Promise<Claim | null> {
  validateRequest(request);
  if (request.executors.length === 0) return null;
  const fullDevices: string[] = [];
  for (let round = 0; round < MAX_CLAIM_ROUNDS; round += 1) {
    const result = await ctx.write((tx) => claimRound(ctx, tx, request, fullDevices));
    if ('claim' in result) return result.claim;
    fullDevices.push(result.fullDevice);
  }
  return null;
}

async function claimRound(ctx: StoreContext, tx: WriteTx, request: ClaimRequest, fullDevices: readonly string[]): Promise<Round> {
  const candidate = await selectCandidate(ctx, tx, request, fullDevices);
  if (!candidate) return { claim: null };
  if (candidate.device_id !== null) {
    await ctx.dialect.lockDevice(tx.db, candidate.device_id);
    if ((await runningOnDevice(tx, candidate.device_id)) >= request.perDeviceLimit) return { fullDevice: candidate.device_id };
  }
  return { claim: await startAttempt(tx, candidate, request) };
}

/** The first due candidate whose device looked free when the statement ran. */
async function selectCandidate(
  ctx: StoreContext,
  tx: WriteTx,
  request: ClaimRequest,
  fullDevices: readonly string[],
): Promise<OperationRow | undefined> {
  let query = tx.db
    .selectFrom('operations as o')
    .selectAll()
    .where('o.status', '=', 'scheduled')
    .where('o.not_before', '<=', tx.now)
    .where('o.executor', 'in', request.executors)
    .where((eb) =>
      eb.or([
        eb('o.device_id', 'is', null),
        eb(
          eb
            .selectFrom('operations as r')
            .select((s) => s.fn.countAll<number>().as('n'))
            .whereRef('r.device_id', '=', 'o.device_id')
            .where('r.status', '=', 'running'),
          '<',
          request.perDeviceLimit,
        ),
      ]),
    );
  if (fullDevices.length > 0) query = query.where((eb) => eb.or([eb('o.device_id', 'is', null), eb('o.device_id', 'not in', fullDevices)]));
  const ordered = query.orderBy('o.priority', 'desc').orderBy('o.not_before').orderBy('o.created_at').orderBy('o.id').limit(1);
  return ctx.dialect.lockSkippingLocked(ordered).executeTakeFirst();
}

async function runningOnDevice(tx: WriteTx, deviceId: string): Promise<number> {
  const row = await tx.db
    .selectFrom('operations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('device_id', '=', deviceId)
    .where('status', '=', 'running')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function startAttempt(tx: WriteTx, row: OperationRow, request: ClaimRequest): Promise<Claim> {
  const attempt: AttemptRow = {
    id: newId(),
    operation_id: row.id,
    number: row.attempt_count + 1,
    worker_id: request.workerId,
    started_at: tx.now,
    ended_at: null,
    outcome: null,
    error_code: null,
    message: null,
    transcript: '',
  };
  const operation = await transition(tx, row, {
    to: 'running',
    set: {
      lease_owner: request.workerId,
      lease_expires_at: tx.now + request.leaseMs,
      attempt_count: attempt.number,
      current_attempt_id: attempt.id,
    },
    event: { attemptId: attempt.id, attempt: attempt.number, workerId: request.workerId },
  });
  // The row is locked (PostgreSQL) or the database is (SQLite): the update cannot miss.
  if (!operation) throw new OstiaryError('OST_INTERNAL', `claimed operation ${row.id} changed under its lock`);
  await tx.db.insertInto('attempts').values(attempt).execute();
  return Object.freeze({ operation, attempt: toAttempt(attempt) });
}

function validateRequest(request: ClaimRequest): void {
  if (typeof request.workerId !== 'string' || request.workerId === '') throw validationError('claim.workerId', 'expected a worker id');
  if (!Number.isInteger(request.leaseMs) || request.leaseMs < 1) throw validationError('claim.leaseMs', 'expected an integer ≥ 1');
  if (!Number.isInteger(request.perDeviceLimit) || request.perDeviceLimit < 1) {
    throw validationError('claim.perDeviceLimit', 'expected an integer ≥ 1');
  }
}
