import { OstiaryError, isOstiaryError, newId, validationError } from '../domain/index.js';
import type { RotationProfilesTable } from './rotation-tables.js';
import { toProfile } from './rotation-rows.js';
import type { NewRotationProfile, RotationProfileRecord, RotationProfileRepository } from './rotation-store.js';
import type { StoreContext, WriteTx } from './store-context.js';
import { notFound } from './store-errors.js';

/** Rotation profiles: a policy and templates applied to credentials that match the criteria. */
export function createRotationProfileRepository(ctx: StoreContext): RotationProfileRepository {
  return Object.freeze({
    create: (profile: NewRotationProfile) => renameConflict(ctx.write((tx) => createProfile(tx, profile))),
    get: (id: string) =>
      ctx.query(async (db) => {
        const row = await db.selectFrom('rotation_profiles').selectAll().where('id', '=', id).executeTakeFirst();
        return row ? toProfile(row) : null;
      }),
    list: () =>
      ctx.query(async (db) => {
        const rows = await db.selectFrom('rotation_profiles').selectAll().orderBy('created_at').orderBy('id').execute();
        return Object.freeze(rows.map(toProfile));
      }),
    update: (id: string, profile: NewRotationProfile) => renameConflict(ctx.write((tx) => updateProfile(tx, id, profile))),
    delete: (id: string) =>
      ctx.write(async (tx) => {
        const result = await tx.db.deleteFrom('rotation_profiles').where('id', '=', id).executeTakeFirst();
        if (result.numDeletedRows === 0n) throw notFound('rotation profile', id);
      }),
  } satisfies RotationProfileRepository);
}

async function createProfile(tx: WriteTx, profile: NewRotationProfile): Promise<RotationProfileRecord> {
  const row: RotationProfilesTable = { id: newId(), ...profileColumns(profile), created_at: tx.now, updated_at: tx.now };
  await tx.db.insertInto('rotation_profiles').values(row).execute();
  return toProfile(row);
}

async function updateProfile(tx: WriteTx, id: string, profile: NewRotationProfile): Promise<RotationProfileRecord> {
  const row = await tx.db
    .updateTable('rotation_profiles')
    .set({ ...profileColumns(profile), updated_at: tx.now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw notFound('rotation profile', id);
  return toProfile(row);
}

function profileColumns(profile: NewRotationProfile): Omit<RotationProfilesTable, 'id' | 'created_at' | 'updated_at'> {
  if (typeof profile.name !== 'string' || profile.name.trim() === '') throw validationError('profile.name', 'expected a non-empty name');
  return {
    name: profile.name,
    device_type: profile.criteria.deviceType,
    vendor: profile.criteria.vendor,
    model: profile.criteria.model,
    credential_kind: profile.criteria.credentialKind,
    policy: JSON.stringify(profile.policy),
    executor: profile.executor,
    change_template_id: profile.changeTemplateId,
    verify_template_id: profile.verifyTemplateId,
    reconcile_template_id: profile.reconcileTemplateId,
  };
}

/** The unique name, reported as the field a caller sent. */
async function renameConflict<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (isOstiaryError(error) && error.code === 'OST_CONFLICT' && error.details.field === 'rotation_profiles.name') {
      throw new OstiaryError('OST_CONFLICT', 'profile.name: a profile with this name exists already', { cause: error, details: { field: 'profile.name' } });
    }
    throw error;
  }
}
