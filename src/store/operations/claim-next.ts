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

type Round = { readonly claims: readonly Claim[]; readonly fullDevice: string | null };

/**
 * Takes the most urgent due operation the worker can run, respecting the per-device limit
 * across every worker; `null` when none. See {@link claimMany}.
 */
export async function claimNext(ctx: StoreContext, request: ClaimRequest): Promise<Claim | null> {
  const [claim] = await claimMany(ctx, request, 1);
  return claim ?? null;
}

/**
 * Takes up to `max` of the most urgent due operations the worker can run, in one transaction,
 * respecting the per-device limit across every worker. Each candidate is picked skipping rows
 * other claimers hold, its device is locked, the device's running operations are recounted
 * under that lock, then its attempt starts.
 *
 * One transaction for a batch is what makes a busy engine cheap: a commit (a WAL write on
 * SQLite, an fsync on PostgreSQL) and the outbox numbering are paid once per batch, not once
 * per operation.
 *
 * Deadlock freedom: only the first device lock of a transaction is waited for; every later
 * one is tried (`tryLockDevice`), and a device another claimer holds is left for a later
 * round. So a transaction never waits while it holds a device lock. When the very first
 * candidate's device turns out full, the transaction ends and a new round leaves that device
 * out; the bound on rounds is a guard.
 */
export async function claimMany(ctx: StoreContext, request: ClaimRequest, max: number): Promise<readonly Claim[]> {
  validateRequest(request);
  if (!Number.isInteger(max) || max < 1) throw validationError('claim.max', 'expected an integer ≥ 1');
  if (request.executors.length === 0) return [];
  const fullDevices: string[] = [];
  for (let round = 0; round < MAX_CLAIM_ROUNDS; round += 1) {
    const result = await ctx.write((tx) => claimRound(ctx, tx, request, max, [...fullDevices]));
    if (result.claims.length > 0 || result.fullDevice === null) return result.claims;
    fullDevices.push(result.fullDevice);
  }
  return [];
}

async function claimRound(ctx: StoreContext, tx: WriteTx, request: ClaimRequest, max: number, skipDevices: string[]): Promise<Round> {
  await ctx.dialect.beforeClaim(tx.db);
  const claims: Claim[] = [];
  let holdsDeviceLock = false;
  while (claims.length < max) {
    const candidate = await selectCandidate(ctx, tx, request, skipDevices);
    if (!candidate) break;
    const deviceId = candidate.device_id;
    if (deviceId !== null) {
      if (!holdsDeviceLock) {
        await ctx.dialect.lockDevice(tx.db, deviceId);
        holdsDeviceLock = true;
      } else if (!(await ctx.dialect.tryLockDevice(tx.db, deviceId))) {
        skipDevices.push(deviceId);
        continue;
      }
      if ((await runningOnDevice(tx, deviceId)) >= request.perDeviceLimit) {
        if (claims.length === 0) return { claims, fullDevice: deviceId };
        skipDevices.push(deviceId);
        continue;
      }
    }
    claims.push(await startAttempt(tx, candidate, request));
  }
  return { claims, fullDevice: null };
}

/** The first due candidate whose device looked free when the statement ran. */
async function selectCandidate(
  ctx: StoreContext,
  tx: WriteTx,
  request: ClaimRequest,
  fullDevices: readonly string[],
): Promise<OperationRow | undefined> {
  return claimCandidateQuery(ctx, tx, request, fullDevices).executeTakeFirst();
}

/** The claim's candidate query (exported for the test that checks its plan on PostgreSQL). */
export function claimCandidateQuery(ctx: StoreContext, tx: WriteTx, request: ClaimRequest, fullDevices: readonly string[]) {
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
  return ctx.dialect.lockSkippingLocked(ordered);
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
