import type { Kysely, Selectable } from 'kysely';
import {
  CREDENTIAL_KINDS,
  CREDENTIAL_SYNC_STATES,
  newId,
  validationError,
  type Credential,
  type CredentialField,
  type CredentialKind,
  type CredentialSyncState,
} from '../domain/index.js';
import type { CredentialFieldsTable, CredentialsTable, Database } from './database.js';
import { decodeCursor, pageLimit, toPage } from './pagination.js';
import { insertSecret } from './secret-rows.js';
import type { StoreContext, WriteTx } from './store-context.js';
import { notFound } from './store-errors.js';
import type { CredentialLinks, CredentialRepository, NewCredential, Page, PageOf } from './store.js';

type CredentialRow = Selectable<CredentialsTable>;
type FieldRow = Selectable<CredentialFieldsTable>;

/** Credentials with their custom fields; their secrets are created in the same transaction. */
export function createCredentialRepository(ctx: StoreContext): CredentialRepository {
  return Object.freeze({
    create: (credential: NewCredential) => ctx.write((tx) => createCredential(tx, credential)),
    get: (id: string) => ctx.query((db) => findOne(db, (q) => q.where('id', '=', id))),
    findByDeviceAndUsername: (deviceId: string, username: string) =>
      ctx.query((db) => findOne(db, (q) => q.where('device_id', '=', deviceId).where('username', '=', username))),
    listByDevice: (deviceId: string) => ctx.query((db) => listByDevice(db, deviceId)),
    list: (page?: Page) => listCredentials(ctx, page),
    setSyncState: (id: string, state: CredentialSyncState) => setSyncState(ctx, id, state),
    setLinks: (id: string, links: CredentialLinks) => ctx.write((tx) => setLinks(ctx, tx, id, links)),
    delete: (id: string) => ctx.write((tx) => deleteCredential(tx, id)),
  });
}

async function createCredential(tx: WriteTx, input: NewCredential): Promise<Credential> {
  const kind = validKind(input.kind ?? 'password');
  if (typeof input.username !== 'string' || input.username === '') throw validationError('credential.username', 'expected a user name');
  await requireRow(tx.db, 'devices', input.deviceId, 'credential.deviceId');
  if (input.parentId) await requireRow(tx.db, 'credentials', input.parentId, 'credential.parentId');
  if (input.reconcileCredentialId) await requireReconciler(tx.db, input.deviceId, input.reconcileCredentialId);
  const row: CredentialRow = {
    id: newId(),
    device_id: input.deviceId,
    username: input.username,
    kind,
    secret_id: await insertSecret(tx.db, input.secret, tx.now, 'credential.secret'),
    passphrase_secret_id: input.passphrase ? await insertSecret(tx.db, input.passphrase, tx.now, 'credential.passphrase') : null,
    additional_info: input.additionalInfo ?? null,
    domain: input.domain ?? null,
    parent_id: input.parentId ?? null,
    reconcile_credential_id: input.reconcileCredentialId ?? null,
    sync_state: 'in_sync',
    created_at: tx.now,
    updated_at: tx.now,
  };
  await tx.db.insertInto('credentials').values(row).execute();
  const fields = await insertFields(tx, row.id, input.fields ?? []);
  return toCredential(row, fields);
}

async function insertFields(tx: WriteTx, credentialId: string, fields: NonNullable<NewCredential['fields']>): Promise<FieldRow[]> {
  const rows: FieldRow[] = [];
  for (const [position, field] of fields.entries()) {
    if (typeof field.name !== 'string' || field.name === '') throw validationError(`credential.fields[${position}].name`, 'expected a name');
    const secretId = field.secret ? await insertSecret(tx.db, field.secret, tx.now, `credential.fields[${position}].secret`) : null;
    rows.push({ credential_id: credentialId, name: field.name, value: secretId ? null : (field.value ?? null), secret_id: secretId, position });
  }
  if (rows.length > 0) await tx.db.insertInto('credential_fields').values(rows).execute();
  return rows;
}

async function findOne(
  db: Kysely<Database>,
  where: (query: ReturnType<typeof selectCredentials>) => ReturnType<typeof selectCredentials>,
): Promise<Credential | null> {
  const row = await where(selectCredentials(db)).executeTakeFirst();
  if (!row) return null;
  return (await withFields(db, [row]))[0] ?? null;
}

function selectCredentials(db: Kysely<Database>) {
  return db.selectFrom('credentials').selectAll();
}

async function listByDevice(db: Kysely<Database>, deviceId: string): Promise<readonly Credential[]> {
  const rows = await selectCredentials(db).where('device_id', '=', deviceId).orderBy('username').execute();
  return Object.freeze(await withFields(db, rows));
}

async function listCredentials(ctx: StoreContext, page: Page | undefined): Promise<PageOf<Credential>> {
  const limit = pageLimit(page);
  const after = decodeCursor(page);
  return ctx.query(async (db) => {
    let query = selectCredentials(db).orderBy('created_at').orderBy('id').limit(limit + 1);
    if (after) query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '>', eb.tuple(Number(after[0]), after[1])));
    const credentials = await withFields(db, await query.execute());
    return toPage(credentials, limit, (credential) => credential, (credential) => [credential.createdAt, credential.id]);
  });
}

async function setSyncState(ctx: StoreContext, id: string, state: CredentialSyncState): Promise<void> {
  if (!(CREDENTIAL_SYNC_STATES as readonly string[]).includes(state)) {
    throw validationError('credential.syncState', `expected one of ${CREDENTIAL_SYNC_STATES.join(', ')}`);
  }
  await ctx.write(async (tx) => {
    const result = await tx.db.updateTable('credentials').set({ sync_state: state, updated_at: tx.now }).where('id', '=', id).executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw notFound('credential', id);
  });
}

/**
 * Parent-chain changes serialize on one lock (the dialect's device lock under a key no device
 * id takes; a no-op where writers are serialized anyway), so two concurrent changes can never
 * close a loop that each alone would not.
 */
const PARENT_CHAIN_LOCK = 'credential-parent-chain';

/** Longer chains than this are refused: a walk never runs away. */
const MAX_CHAIN = 1000;

async function setLinks(ctx: StoreContext, tx: WriteTx, id: string, links: CredentialLinks): Promise<Credential> {
  const row = await tx.db.selectFrom('credentials').select(['id', 'device_id']).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('credential', id);
  const changes: { parent_id?: string | null; reconcile_credential_id?: string | null } = {};
  if (links.parentId !== undefined) {
    if (links.parentId !== null) {
      await ctx.dialect.lockDevice(tx.db, PARENT_CHAIN_LOCK);
      await requireAcyclicParent(tx.db, id, links.parentId);
    }
    changes.parent_id = links.parentId;
  }
  if (links.reconcileCredentialId !== undefined) {
    if (links.reconcileCredentialId === id) throw validationError('credential.reconcileCredentialId', 'a credential cannot be its own reconciliation credential');
    if (links.reconcileCredentialId !== null) await requireReconciler(tx.db, row.device_id, links.reconcileCredentialId);
    changes.reconcile_credential_id = links.reconcileCredentialId;
  }
  await tx.db.updateTable('credentials').set({ ...changes, updated_at: tx.now }).where('id', '=', id).execute();
  const updated = await findOne(tx.db, (q) => q.where('id', '=', id));
  if (!updated) throw notFound('credential', id);
  return updated;
}

/** The parent exists, is not the credential, and does not descend from it (walking up from the parent never meets it). */
async function requireAcyclicParent(db: Kysely<Database>, id: string, parentId: string): Promise<void> {
  if (parentId === id) throw validationError('credential.parentId', 'a credential cannot be its own parent');
  await requireRow(db, 'credentials', parentId, 'credential.parentId');
  let cursor: string | null = parentId;
  for (let depth = 0; cursor !== null; depth += 1) {
    if (cursor === id) throw validationError('credential.parentId', `credential ${parentId} descends from this credential; a parent chain must not loop`);
    if (depth >= MAX_CHAIN) throw validationError('credential.parentId', `the parent chain is longer than ${MAX_CHAIN} credentials`);
    const up: { parent_id: string | null } | undefined = await db.selectFrom('credentials').select('parent_id').where('id', '=', cursor).executeTakeFirst();
    cursor = up?.parent_id ?? null;
  }
}

/** A reconcile logs in to the credential's device with the reconciliation credential, so it must be one of that device's. */
async function requireReconciler(db: Kysely<Database>, deviceId: string, reconcilerId: string): Promise<void> {
  const reconciler = await db.selectFrom('credentials').select('device_id').where('id', '=', reconcilerId).executeTakeFirst();
  if (!reconciler) throw notFound('credential', reconcilerId, 'credential.reconcileCredentialId');
  if (reconciler.device_id !== deviceId) {
    throw validationError('credential.reconcileCredentialId', 'expected a credential of the same device: a reconcile logs in to this credential’s device with it');
  }
}

/** Deletes the credential, its fields and the secrets only it used. */
async function deleteCredential(tx: WriteTx, id: string): Promise<void> {
  const row = await tx.db.selectFrom('credentials').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('credential', id);
  const fields = await tx.db.selectFrom('credential_fields').select('secret_id').where('credential_id', '=', id).execute();
  await tx.db.deleteFrom('credential_fields').where('credential_id', '=', id).execute();
  await tx.db.deleteFrom('credentials').where('id', '=', id).execute();
  const secretIds = [row.secret_id, row.passphrase_secret_id, ...fields.map((f) => f.secret_id)].filter((s): s is string => s !== null);
  await tx.db.deleteFrom('secrets').where('id', 'in', secretIds).execute();
}

async function withFields(db: Kysely<Database>, rows: readonly CredentialRow[]): Promise<Credential[]> {
  if (rows.length === 0) return [];
  const fields = await db
    .selectFrom('credential_fields')
    .selectAll()
    .where('credential_id', 'in', rows.map((row) => row.id))
    .orderBy('position')
    .execute();
  return rows.map((row) => toCredential(row, fields.filter((field) => field.credential_id === row.id)));
}

async function requireRow(db: Kysely<Database>, table: 'devices' | 'credentials', id: string, field: string): Promise<void> {
  const row = await db.selectFrom(table).select('id').where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(table === 'devices' ? 'device' : 'credential', id, field);
}

function validKind(kind: string): CredentialKind {
  if ((CREDENTIAL_KINDS as readonly string[]).includes(kind)) return kind as CredentialKind;
  throw validationError('credential.kind', `expected one of ${CREDENTIAL_KINDS.join(', ')}`);
}

function toCredential(row: CredentialRow, fields: readonly FieldRow[]): Credential {
  return Object.freeze({
    id: row.id,
    deviceId: row.device_id,
    username: row.username,
    kind: row.kind as CredentialKind,
    secretId: row.secret_id,
    passphraseSecretId: row.passphrase_secret_id,
    additionalInfo: row.additional_info,
    domain: row.domain,
    fields: Object.freeze(fields.map(toField)),
    parentId: row.parent_id,
    reconcileCredentialId: row.reconcile_credential_id,
    syncState: row.sync_state as CredentialSyncState,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

function toField(row: FieldRow): CredentialField {
  return Object.freeze({ name: row.name, value: row.value, secretId: row.secret_id });
}
