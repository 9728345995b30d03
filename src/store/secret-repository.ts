import type { Kysely } from 'kysely';
import { OstiaryError, type SealedSecret, type SecretVersion, type SecretVersionState } from '../domain/index.js';
import type { Database } from './database.js';
import { insertSecret, insertVersion, toSecretVersion } from './secret-rows.js';
import type { StoreContext, WriteTx } from './store-context.js';
import { notFound } from './store-errors.js';
import type { SecretRepository, WrappedKeyRow } from './store.js';

/** Versioned sealed secrets: at most one current and one pending version each (a unique index). */
export function createSecretRepository(ctx: StoreContext): SecretRepository {
  return Object.freeze({
    create: (value: SealedSecret) => ctx.write((tx) => insertSecret(tx.db, value, tx.now)),
    current: (secretId: string) => ctx.query((db) => versionInState(db, secretId, 'current')),
    pending: (secretId: string) => ctx.query((db) => versionInState(db, secretId, 'pending')),
    history: (secretId: string) => ctx.query((db) => history(db, secretId)),
    addPending: (secretId: string, value: SealedSecret, operationId: string | null) =>
      ctx.write((tx) => addPending(tx, secretId, value, operationId)),
    promotePending: (secretId: string) => ctx.write((tx) => promotePending(tx, secretId)),
    discardPending: (secretId: string) => ctx.write((tx) => discardPending(tx, secretId)),
    replaceCurrent: (secretId: string, value: SealedSecret) => ctx.write((tx) => replaceCurrent(tx, secretId, value)),
    listWrappedKeys: () => ctx.query(listWrappedKeys),
    rewrapKeys: (rows: readonly WrappedKeyRow[]) => ctx.write((tx) => rewrapKeys(tx, rows)),
  });
}

async function versionInState(db: Kysely<Database>, secretId: string, state: SecretVersionState): Promise<SecretVersion | null> {
  const row = await db
    .selectFrom('secret_versions')
    .selectAll()
    .where('secret_id', '=', secretId)
    .where('state', '=', state)
    .executeTakeFirst();
  return row ? toSecretVersion(row) : null;
}

async function history(db: Kysely<Database>, secretId: string): Promise<readonly SecretVersion[]> {
  const rows = await db.selectFrom('secret_versions').selectAll().where('secret_id', '=', secretId).orderBy('version').execute();
  return Object.freeze(rows.map(toSecretVersion));
}

async function addPending(tx: WriteTx, secretId: string, value: SealedSecret, operationId: string | null): Promise<SecretVersion> {
  const version = await nextVersion(tx, secretId);
  if (await versionInState(tx.db, secretId, 'pending')) {
    throw new OstiaryError('OST_CONFLICT', `secret.pending: secret ${secretId} already has a pending version`, {
      details: { field: 'secret.pending' },
    });
  }
  return insertVersion(tx.db, { secretId, version, state: 'pending', value, operationId, now: tx.now });
}

async function promotePending(tx: WriteTx, secretId: string): Promise<void> {
  await requirePending(tx, secretId);
  // Current first: the unique index allows one current per secret at any moment.
  await setState(tx, secretId, 'current', 'previous');
  await setState(tx, secretId, 'pending', 'current');
}

async function discardPending(tx: WriteTx, secretId: string): Promise<void> {
  await requirePending(tx, secretId);
  await setState(tx, secretId, 'pending', 'discarded');
}

async function replaceCurrent(tx: WriteTx, secretId: string, value: SealedSecret): Promise<SecretVersion> {
  const version = await nextVersion(tx, secretId);
  await setState(tx, secretId, 'current', 'previous');
  return insertVersion(tx.db, { secretId, version, state: 'current', value, operationId: null, now: tx.now });
}

async function listWrappedKeys(db: Kysely<Database>): Promise<readonly WrappedKeyRow[]> {
  const rows = await db
    .selectFrom('secret_versions')
    .select(['secret_id', 'version', 'master_key_id', 'wrapped_key'])
    .orderBy('secret_id')
    .orderBy('version')
    .execute();
  return Object.freeze(
    rows.map((row) =>
      Object.freeze({ secretId: row.secret_id, version: row.version, masterKeyId: row.master_key_id, wrappedKey: Buffer.from(row.wrapped_key) }),
    ),
  );
}

async function rewrapKeys(tx: WriteTx, rows: readonly WrappedKeyRow[]): Promise<void> {
  for (const row of rows) {
    const result = await tx.db
      .updateTable('secret_versions')
      .set({ master_key_id: row.masterKeyId, wrapped_key: row.wrappedKey })
      .where('secret_id', '=', row.secretId)
      .where('version', '=', row.version)
      .executeTakeFirst();
    // Throwing rolls back every row already rewritten: all or nothing.
    if (result.numUpdatedRows === 0n) throw notFound('secret version', `${row.secretId}#${row.version}`);
  }
}

async function nextVersion(tx: WriteTx, secretId: string): Promise<number> {
  const exists = await tx.db.selectFrom('secrets').select('id').where('id', '=', secretId).executeTakeFirst();
  if (!exists) throw notFound('secret', secretId);
  const row = await tx.db
    .selectFrom('secret_versions')
    .select((eb) => eb.fn.max('version').as('max'))
    .where('secret_id', '=', secretId)
    .executeTakeFirst();
  return Number(row?.max ?? 0) + 1;
}

async function requirePending(tx: WriteTx, secretId: string): Promise<void> {
  if (!(await versionInState(tx.db, secretId, 'pending'))) {
    throw new OstiaryError('OST_NOT_FOUND', `secret ${secretId} has no pending version`, { details: { field: 'secret.pending' } });
  }
}

async function setState(tx: WriteTx, secretId: string, from: SecretVersionState, to: SecretVersionState): Promise<void> {
  await tx.db.updateTable('secret_versions').set({ state: to }).where('secret_id', '=', secretId).where('state', '=', from).execute();
}
