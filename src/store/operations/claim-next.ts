import { OstiaryError, newId, validationError } from '../../domain/index.js';
import type { StoreContext, WriteTx } from '../store-context.js';
import type { Claim, ClaimRequest } from '../store.js';
import { toAttempt, type AttemptRow, type OperationRow } from './operation-rows.js';
import { transitionMany } from './operation-transition.js';

/**
 * A device filled up between choosing a candidate and locking the device: another claimer
 * won the race. Each retry leaves that device out, so the loop ends; the bound is a guard.
 */
const MAX_CLAIM_ROUNDS = 16;

/** Attempt rows per INSERT: keeps the bound parameters well under SQLite's limit. */
const ATTEMPTS_PER_INSERT = 200;

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
 * respecting the per-device limit across every worker. The statements are per batch, not per
 * operation: one query picks up to `max` candidates (skipping rows other claimers hold), their
 * devices are locked and their running operations recounted under those locks in one query,
 * then one UPDATE starts every chosen operation and one INSERT writes their attempts.
 *
 * One transaction and a fixed number of statements for a batch is what makes a busy engine
 * cheap: a commit (a WAL write on SQLite, an fsync on PostgreSQL), the outbox numbering and
 * each statement's round trip are paid once per batch, not once per operation.
 *
 * Deadlock freedom: only the first device lock of a transaction is waited for; every later
 * one is tried (`tryLockDevice`), and the candidates of a device another claimer holds are
 * left for a later claim. So a transaction never waits while it holds a device lock. When
 * nothing could be taken because a device turned out full (it filled up after the candidate
 * query looked), a new round leaves that device out; the bound on rounds is a guard.
 */
export async function claimMany(ctx: StoreContext, request: ClaimRequest, max: number): Promise<readonly Claim[]> {
  validateClaim(request, max, 1);
  if (request.executors.length === 0) return [];
  const fullDevices: string[] = [];
  for (let round = 0; round < MAX_CLAIM_ROUNDS; round += 1) {
    const result = await ctx.write((tx) => claimRound(ctx, tx, request, max, fullDevices, true));
    if (result.claims.length > 0 || result.fullDevice === null) return result.claims;
    fullDevices.push(result.fullDevice);
  }
  return [];
}

/**
 * One claim round inside a transaction that has already written (a batch of completions):
 * such a transaction may hold row locks, so it waits for no device lock at all — devices
 * another claimer holds, or that are full, are left for the worker's next claim.
 */
export async function claimInTransaction(ctx: StoreContext, tx: WriteTx, request: ClaimRequest, max: number): Promise<readonly Claim[]> {
  if (request.executors.length === 0) return [];
  return (await claimRound(ctx, tx, request, max, [], false)).claims;
}

async function claimRound(ctx: StoreContext, tx: WriteTx, request: ClaimRequest, max: number, fullDevices: readonly string[], waitForFirstDevice: boolean): Promise<Round> {
  await ctx.dialect.beforeClaim(tx.db);
  const candidates = await claimCandidateQuery(ctx, tx, request, fullDevices, max).execute();
  if (candidates.length === 0) return { claims: [], fullDevice: null };
  const room = await lockDevicesWithRoom(ctx, tx, candidates, request.perDeviceLimit, waitForFirstDevice);
  const chosen: OperationRow[] = [];
  let fullDevice: string | null = null;
  for (const candidate of candidates) {
    const deviceId = candidate.device_id;
    if (deviceId !== null) {
      const left = room.get(deviceId);
      // Not in the map: another claimer holds the device; its candidates wait for a later claim.
      if (left === undefined) continue;
      if (left <= 0) {
        fullDevice ??= deviceId;
        continue;
      }
      room.set(deviceId, left - 1);
    }
    chosen.push(candidate);
  }
  if (chosen.length === 0) return { claims: [], fullDevice };
  return { claims: await startAttempts(tx, chosen, request), fullDevice: null };
}

/**
 * Locks the candidates' devices (the first waited for when asked, the others only tried) and returns,
 * for each device locked, how many more operations may start on it: the limit less the
 * running ones, counted under the lock so no other claimer can change the count.
 */
async function lockDevicesWithRoom(ctx: StoreContext, tx: WriteTx, candidates: readonly OperationRow[], limit: number, waitForFirst: boolean): Promise<Map<string, number>> {
  const devices = [...new Set(candidates.flatMap((candidate) => (candidate.device_id === null ? [] : [candidate.device_id])))];
  const room = new Map<string, number>();
  for (const [i, deviceId] of devices.entries()) {
    if (i === 0 && waitForFirst) await ctx.dialect.lockDevice(tx.db, deviceId);
    else if (!(await ctx.dialect.tryLockDevice(tx.db, deviceId))) continue;
    room.set(deviceId, limit);
  }
  if (room.size === 0) return room;
  const running = await tx.db
    .selectFrom('operations')
    .select((eb) => ['device_id', eb.fn.countAll<number>().as('n')])
    .where('device_id', 'in', [...room.keys()])
    .where('status', '=', 'running')
    .groupBy('device_id')
    .execute();
  for (const row of running) if (row.device_id !== null) room.set(row.device_id, limit - Number(row.n));
  return room;
}

/**
 * The claim's candidate query: the first `limit` due operations, most urgent first, whose
 * device looked free when the statement ran (exported for the test that checks its plan on
 * PostgreSQL).
 */
export function claimCandidateQuery(ctx: StoreContext, tx: WriteTx, request: ClaimRequest, fullDevices: readonly string[], limit = 1) {
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
  const ordered = query.orderBy('o.priority', 'desc').orderBy('o.not_before').orderBy('o.created_at').orderBy('o.id').limit(limit);
  return ctx.dialect.lockSkippingLocked(ordered);
}

/** Starts an attempt of each chosen operation: one UPDATE for the operations, one INSERT for the attempts. */
async function startAttempts(tx: WriteTx, rows: readonly OperationRow[], request: ClaimRequest): Promise<Claim[]> {
  const attempts: AttemptRow[] = rows.map((row) => ({
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
  }));
  const operations = await transitionMany(
    tx,
    rows.map((row, i) => {
      const attempt = attempts[i] as AttemptRow;
      return {
        row,
        to: 'running',
        set: {
          lease_owner: request.workerId,
          lease_expires_at: tx.now + request.leaseMs,
          attempt_count: attempt.number,
          current_attempt_id: attempt.id,
        },
        event: { attemptId: attempt.id, attempt: attempt.number, workerId: request.workerId },
      };
    }),
  );
  for (let start = 0; start < attempts.length; start += ATTEMPTS_PER_INSERT) {
    await tx.db.insertInto('attempts').values(attempts.slice(start, start + ATTEMPTS_PER_INSERT)).execute();
  }
  return operations.map((operation, i) => {
    // The rows are locked (PostgreSQL) or the database is (SQLite): the update cannot miss.
    if (!operation) throw new OstiaryError('OST_INTERNAL', `claimed operation ${rows[i]?.id} changed under its lock`);
    return Object.freeze({ operation, attempt: toAttempt(attempts[i] as AttemptRow) });
  });
}

/** Checks a claim request and its `max` (at least `least`), naming the field at fault. */
export function validateClaim(request: ClaimRequest, max: number, least: number): void {
  if (!Number.isInteger(max) || max < least) throw validationError('claim.max', `expected an integer ≥ ${least}`);
  validateRequest(request);
}

function validateRequest(request: ClaimRequest): void {
  if (typeof request.workerId !== 'string' || request.workerId === '') throw validationError('claim.workerId', 'expected a worker id');
  if (!Number.isInteger(request.leaseMs) || request.leaseMs < 1) throw validationError('claim.leaseMs', 'expected an integer ≥ 1');
  if (!Number.isInteger(request.perDeviceLimit) || request.perDeviceLimit < 1) {
    throw validationError('claim.perDeviceLimit', 'expected an integer ≥ 1');
  }
}
