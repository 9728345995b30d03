import { OstiaryError, type SealedSecret, type SecretVersion, type SecretVersionState } from '../domain/index.js';
import { insertVersion } from './secret-rows.js';
import type { WriteTx } from './store-context.js';
import { notFound } from './store-errors.js';

/*
 * The secret-version steps of a rotation, inside the rotation's own transaction (the
 * SecretRepository methods each open a transaction of their own). The unique index on
 * (secret_id, state) for `current` and `pending` still guards every step.
 */

/** The credential's secret id; `OST_NOT_FOUND` when the credential is gone. */
export async function secretOfCredential(tx: WriteTx, credentialId: string): Promise<{ secretId: string; deviceId: string }> {
  const row = await tx.db.selectFrom('credentials').select(['secret_id', 'device_id']).where('id', '=', credentialId).executeTakeFirst();
  if (!row) throw notFound('credential', credentialId, 'credentialId');
  return { secretId: row.secret_id, deviceId: row.device_id };
}

export async function addPendingVersion(tx: WriteTx, secretId: string, value: SealedSecret, operationId: string): Promise<SecretVersion> {
  if (await versionIn(tx, secretId, 'pending')) {
    throw new OstiaryError('OST_CONFLICT', `secret.pending: secret ${secretId} already has a pending version`, { details: { field: 'secret.pending' } });
  }
  const row = await tx.db
    .selectFrom('secret_versions')
    .select((eb) => eb.fn.max('version').as('max'))
    .where('secret_id', '=', secretId)
    .executeTakeFirst();
  const version = Number(row?.max ?? 0) + 1;
  return insertVersion(tx.db, { secretId, version, state: 'pending', value, operationId, now: tx.now, field: 'rotation.pending' });
}

/** pending → current, the old current → previous; returns the new current version number. */
export async function promotePendingVersion(tx: WriteTx, secretId: string): Promise<number> {
  const pending = await versionIn(tx, secretId, 'pending');
  if (!pending) throw new OstiaryError('OST_NOT_FOUND', `secret ${secretId} has no pending version`, { details: { field: 'secret.pending' } });
  // Current first: the unique index allows one current per secret at any moment.
  await setState(tx, secretId, 'current', 'previous');
  await setState(tx, secretId, 'pending', 'current');
  return pending;
}

/** pending → discarded; a no-op when nothing is pending. */
export async function discardPendingVersion(tx: WriteTx, secretId: string): Promise<void> {
  await setState(tx, secretId, 'pending', 'discarded');
}

export async function hasPending(tx: WriteTx, secretId: string): Promise<boolean> {
  return (await versionIn(tx, secretId, 'pending')) !== null;
}

async function versionIn(tx: WriteTx, secretId: string, state: SecretVersionState): Promise<number | null> {
  const row = await tx.db.selectFrom('secret_versions').select('version').where('secret_id', '=', secretId).where('state', '=', state).executeTakeFirst();
  return row ? row.version : null;
}

async function setState(tx: WriteTx, secretId: string, from: SecretVersionState, to: SecretVersionState): Promise<void> {
  await tx.db.updateTable('secret_versions').set({ state: to }).where('secret_id', '=', secretId).where('state', '=', from).execute();
}
