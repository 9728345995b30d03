import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { validationError } from '../domain/index.js';
import type { Database } from './database.js';
import { toSettings } from './rotation-rows.js';
import type { CredentialRotationInput, CredentialRotationRecord, RotationSettingsRepository } from './rotation-store.js';
import type { StoreContext, WriteTx } from './store-context.js';
import { notFound } from './store-errors.js';

/** Each credential's rotation settings and the state the expiry scan needs. */
export function createRotationSettingsRepository(ctx: StoreContext): RotationSettingsRepository {
  return Object.freeze({
    get: (credentialId: string) => ctx.query((db) => getSettings(db, credentialId)),
    put: (credentialId: string, settings: CredentialRotationInput) => ctx.write((tx) => putSettings(tx, credentialId, settings)),
    delete: (credentialId: string) =>
      ctx.write(async (tx) => {
        const result = await tx.db.deleteFrom('credential_rotation').where('credential_id', '=', credentialId).executeTakeFirst();
        if (result.numDeletedRows === 0n) throw notFound('rotation settings of credential', credentialId);
      }),
    children: (credentialId: string) => ctx.query((db) => childSettings(db, credentialId)),
    listDue: (now: number, limit: number) => ctx.query((db) => listDue(db, now, limit)),
  } satisfies RotationSettingsRepository);
}

async function getSettings(db: Kysely<Database>, credentialId: string): Promise<CredentialRotationRecord | null> {
  const row = await db.selectFrom('credential_rotation').selectAll().where('credential_id', '=', credentialId).executeTakeFirst();
  return row ? toSettings(row) : null;
}

async function putSettings(tx: WriteTx, credentialId: string, input: CredentialRotationInput): Promise<CredentialRotationRecord> {
  const exists = await tx.db.selectFrom('credentials').select('id').where('id', '=', credentialId).executeTakeFirst();
  if (!exists) throw notFound('credential', credentialId, 'credentialId');
  if (input.periodMs !== null && (!Number.isSafeInteger(input.periodMs) || input.periodMs < 1)) {
    throw validationError('rotation.periodMs', 'expected a positive integer of milliseconds or null');
  }
  const columns = {
    profile_id: input.profileId,
    policy: JSON.stringify(input.policy),
    period_ms: input.periodMs,
    executor: input.executor,
    change_template_id: input.changeTemplateId,
    verify_template_id: input.verifyTemplateId,
    reconcile_template_id: input.reconcileTemplateId,
    executor_config: input.executorConfig === null || input.executorConfig === undefined ? null : JSON.stringify(input.executorConfig),
    updated_at: tx.now,
  };
  const row = await tx.db
    .insertInto('credential_rotation')
    .values({ credential_id: credentialId, ...columns, last_rotated_at: null, manual_done: 0, created_at: tx.now })
    .onConflict((conflict) => conflict.column('credential_id').doUpdateSet(columns))
    .returningAll()
    .executeTakeFirstOrThrow();
  return toSettings(row);
}

async function childSettings(db: Kysely<Database>, credentialId: string): Promise<readonly CredentialRotationRecord[]> {
  const rows = await db
    .selectFrom('credential_rotation as s')
    .innerJoin('credentials as c', 'c.id', 's.credential_id')
    .selectAll('s')
    .where('c.parent_id', '=', credentialId)
    .orderBy('c.created_at')
    .orderBy('c.id')
    .execute();
  return Object.freeze(rows.map(toSettings));
}

/** The due test is on `last_rotated_at + period_ms`; the index narrows to first-changed credentials. */
async function listDue(db: Kysely<Database>, now: number, limit: number): Promise<readonly CredentialRotationRecord[]> {
  const rows = await db
    .selectFrom('credential_rotation as s')
    .selectAll('s')
    .where('s.manual_done', '=', 1)
    .where('s.period_ms', 'is not', null)
    .where('s.last_rotated_at', 'is not', null)
    .where(sql<number>`s.last_rotated_at + s.period_ms`, '<=', now)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('rotations as r').select('r.id').whereRef('r.credential_id', '=', 's.credential_id').where('r.finished_at', 'is', null))),
    )
    .orderBy('s.last_rotated_at')
    .limit(limit)
    .execute();
  return Object.freeze(rows.map(toSettings));
}
