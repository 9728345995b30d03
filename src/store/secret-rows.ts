import type { Kysely, Selectable } from 'kysely';
import { newId, validationError, type SealedSecret, type SecretVersion, type SecretVersionState } from '../domain/index.js';
import type { Database, SecretVersionsTable } from './database.js';

/** Inserts a secret whose version 1 is current; returns its id. Runs inside the caller's transaction. */
export async function insertSecret(trx: Kysely<Database>, value: SealedSecret, now: number, field = 'secret'): Promise<string> {
  const id = newId();
  await trx.insertInto('secrets').values({ id, created_at: now }).execute();
  await insertVersion(trx, { secretId: id, version: 1, state: 'current', value, operationId: null, now, field });
  return id;
}

export interface NewVersionRow {
  readonly secretId: string;
  readonly version: number;
  readonly state: SecretVersionState;
  readonly value: SealedSecret;
  readonly operationId: string | null;
  readonly now: number;
  /** Names the input in a validation error. */
  readonly field?: string;
}

export async function insertVersion(trx: Kysely<Database>, row: NewVersionRow): Promise<SecretVersion> {
  const sealed = validSealed(row.value, row.field ?? 'secret');
  const values = {
    secret_id: row.secretId,
    version: row.version,
    state: row.state,
    master_key_id: sealed.masterKeyId,
    wrapped_key: sealed.wrappedKey,
    ciphertext: sealed.ciphertext,
    operation_id: row.operationId,
    created_at: row.now,
  };
  await trx.insertInto('secret_versions').values(values).execute();
  return toSecretVersion(values);
}

function validSealed(value: SealedSecret, field: string): SealedSecret {
  if (typeof value?.masterKeyId !== 'string' || value.masterKeyId === '') {
    throw validationError(`${field}.masterKeyId`, 'expected the id of the master key');
  }
  if (!Buffer.isBuffer(value.wrappedKey)) throw validationError(`${field}.wrappedKey`, 'expected a Buffer');
  if (!Buffer.isBuffer(value.ciphertext)) throw validationError(`${field}.ciphertext`, 'expected a Buffer');
  return value;
}

export function toSecretVersion(row: Selectable<SecretVersionsTable>): SecretVersion {
  return Object.freeze({
    secretId: row.secret_id,
    version: row.version,
    state: row.state as SecretVersionState,
    operationId: row.operation_id,
    createdAt: row.created_at,
    masterKeyId: row.master_key_id,
    wrappedKey: Buffer.from(row.wrapped_key),
    ciphertext: Buffer.from(row.ciphertext),
  });
}
