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

/**
 * Identity values are handed out in call order but become visible in commit order; holding
 * this lock from the first outbox insert to the commit makes both orders the same, so a
 * reader that has seen seq N will never later find a smaller one appear.
 */
export async function lockOutbox(trx: Kysely<Database>): Promise<void> {
  await sql`select pg_advisory_xact_lock(${OUTBOX_LOCK_CLASS}::int4, 0)`.execute(trx);
}
