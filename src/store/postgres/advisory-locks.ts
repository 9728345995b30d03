import { sql, type Kysely } from 'kysely';
import type { Database } from '../database.js';

/**
 * Ostiary's advisory locks use the two-int4 key space, first key = what is locked, so they
 * never collide with one-bigint locks such as Kysely's migration lock.
 */
const DEVICE_LOCK_CLASS = 0x4f535401;
const OUTBOX_LOCK_CLASS = 0x4f535402;

/** Held until the transaction ends. Devices whose ids hash alike share a lock, which only serializes a little more. */
export async function lockDevice(trx: Kysely<Database>, deviceId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(${DEVICE_LOCK_CLASS}::int4, hashtext(${deviceId}))`.execute(trx);
}

/** The device's lock if no other transaction holds it (held until this one ends); `false` otherwise. */
export async function tryLockDevice(trx: Kysely<Database>, deviceId: string): Promise<boolean> {
  const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(${DEVICE_LOCK_CLASS}::int4, hashtext(${deviceId})) as locked`.execute(trx);
  return rows[0]?.locked === true;
}

/**
 * Held by an outbox numbering pass until it commits, so passes never overlap and each one
 * sees the positions the previous one gave (see `OutboxSequencer`). Writers never take it.
 */
export async function lockOutboxSequencer(trx: Kysely<Database>): Promise<void> {
  await sql`select pg_advisory_xact_lock(${OUTBOX_LOCK_CLASS}::int4, 0)`.execute(trx);
}
