import { z } from 'zod';
import { CREDENTIAL_KINDS, CREDENTIAL_SYNC_STATES } from '../../domain/index.js';
import type { Credential } from '../../domain/index.js';
import { rotationSettingsSchema } from '../../rotation/index.js';
import { iso, label, reason, timestamp } from './common-schemas.js';

/** A secret value: write-only, never in a response except the audited reveal. */
const secretValue = z.string().min(1).max(16_384);

const fieldName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'expected a mask name: a letter, then letters, digits or _');

/** A custom field: a plain `value`, or a `secret` held by the vault (exactly one of them). */
const fieldInput = z.union([
  z.strictObject({ name: fieldName, value: z.string().max(4096) }),
  z.strictObject({ name: fieldName, secret: secretValue }),
]);

export const credentialInput = z.strictObject({
  deviceId: z.uuid(),
  username: label(200),
  kind: z.enum(CREDENTIAL_KINDS).optional().describe('Default `password`.'),
  secret: secretValue.describe('Password or private key (PEM). Write-only.'),
  passphrase: secretValue.optional().describe('Passphrase of a private key. Write-only.'),
  additionalInfo: z.string().max(4096).nullable().optional(),
  domain: z.string().max(255).nullable().optional(),
  fields: z.array(fieldInput).max(50).optional(),
  parentId: z.uuid().nullable().optional(),
  reconcileCredentialId: z.uuid().nullable().optional(),
  rotation: rotationSettingsSchema.nullable().optional().describe(
    'Rotation settings to register the credential with (needs `rotation:admin`), as in `PUT /credentials/{id}/rotation`; `null`: none. Left out: the best-matching rotation profile applies (docs/rotation.md).',
  ),
});

export const secretInput = z.strictObject({ secret: secretValue.describe('The new current secret. Write-only.') });

export const revealInput = z.strictObject({ reason });

export const credentialQuery = z.strictObject({
  deviceId: z.uuid().optional().describe('Only this device’s credentials (one page).'),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  after: z.string().min(1).max(512).optional(),
});

export const credentialView = z
  .object({
    id: z.uuid(),
    deviceId: z.uuid(),
    username: z.string(),
    kind: z.enum(CREDENTIAL_KINDS),
    hasSecret: z.boolean(),
    hasPassphrase: z.boolean(),
    additionalInfo: z.string().nullable(),
    domain: z.string().nullable(),
    fields: z.array(z.object({ name: z.string(), value: z.string().nullable(), secret: z.boolean() })),
    parentId: z.uuid().nullable(),
    reconcileCredentialId: z.uuid().nullable(),
    syncState: z.enum(CREDENTIAL_SYNC_STATES),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Credential', description: 'A credential; its secret is never part of it (see `hasSecret`).' });

export const revealView = z.object({
  credentialId: z.uuid(),
  secret: z.string(),
  passphrase: z.string().nullable(),
  auditSeq: z.number().int().describe('The audit event that recorded this reveal.'),
  rotation: z.object({
    requested: z.boolean(),
    rotationId: z.uuid().nullable(),
    operationId: z.uuid().nullable(),
    refusal: z.object({ code: z.string(), message: z.string() }).nullable().describe('Why no rotation could start (the reveal stands).'),
  }).nullable().describe('The change after the reveal, when the policy says `changeAfterReveal`; `null` otherwise.'),
});

export function toCredentialView(credential: Credential): z.infer<typeof credentialView> {
  return {
    id: credential.id,
    deviceId: credential.deviceId,
    username: credential.username,
    kind: credential.kind,
    hasSecret: credential.secretId !== '',
    hasPassphrase: credential.passphraseSecretId !== null,
    additionalInfo: credential.additionalInfo,
    domain: credential.domain,
    fields: credential.fields.map((field) => ({ name: field.name, value: field.secretId === null ? field.value : null, secret: field.secretId !== null })),
    parentId: credential.parentId,
    reconcileCredentialId: credential.reconcileCredentialId,
    syncState: credential.syncState,
    createdAt: iso(credential.createdAt),
    updatedAt: iso(credential.updatedAt),
  };
}
