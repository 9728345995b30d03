import { z } from 'zod';
import { CREDENTIAL_KINDS, CREDENTIAL_SYNC_STATES } from '../../domain/index.js';
import type { Credential, OutboxEvent, SecretVersion } from '../../domain/index.js';
import type { BulkRotationResult, CredentialRotationState } from '../../rotation/index.js';
import { credentialLinksSchema, rotationProfileSchema, rotationSettingsSchema } from '../../rotation/index.js';
import type { CredentialRotationRecord, RotationProfileRecord, RotationRecord, RotationStart } from '../../store/rotation-store.js';
import { ROTATION_KINDS, ROTATION_PHASES, ROTATION_TRIGGERS } from '../../store/rotation-store.js';
import { iso, isoOrNull, timestamp } from './common-schemas.js';

/**
 * Rotation through the API (docs/rotation.md): settings, profiles, requests, state, history
 * and the event feed. No view here has a field that could hold a secret: versions are
 * numbers and states, never values.
 */

/**
 * A credential's rotation settings and links; validated again (templates, executor, links) by
 * `RotationConfiguration` and the store. A body with only `parentId`/`reconcileCredentialId`
 * changes only the links.
 */
export const rotationSettingsInput = rotationSettingsSchema.extend(credentialLinksSchema.shape);

export const rotationProfileInput = rotationProfileSchema;

const nullableTime = timestamp.nullable();

export const rotationSettingsView = z.object({
  credentialId: z.uuid(),
  profileId: z.string().nullable(),
  policy: z.record(z.string(), z.unknown()).describe('The policy with every default filled in.'),
  periodMs: z.number().nullable(),
  executor: z.string(),
  changeTemplateId: z.string(),
  verifyTemplateId: z.string().nullable(),
  reconcileTemplateId: z.string().nullable(),
  executorConfig: z.unknown(),
  lastRotatedAt: nullableTime,
  manualDone: z.boolean().describe('The first change was requested by hand; automatic triggers need it.'),
  createdAt: timestamp,
  updatedAt: timestamp,
}).meta({ id: 'RotationSettings' });

export const rotationView = z.object({
  id: z.uuid(),
  credentialId: z.uuid(),
  operationId: z.uuid(),
  kind: z.enum(ROTATION_KINDS),
  trigger: z.enum(ROTATION_TRIGGERS),
  requester: z.string(),
  parentRotationId: z.string().nullable(),
  phase: z.enum(ROTATION_PHASES),
  errorCode: z.string().nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
  finishedAt: nullableTime.describe('`null` while the rotation holds the credential’s lock.'),
}).meta({ id: 'Rotation' });

export const rotationStateView = z.object({
  credentialId: z.uuid(),
  syncState: z.enum(CREDENTIAL_SYNC_STATES),
  configured: z.boolean(),
  parentId: z.uuid().nullable().describe('The parent credential: its committed change starts this one’s (`PUT …/rotation` with `parentId` changes it).'),
  reconcileCredentialId: z.uuid().nullable().describe('The credential of the same device a reconcile logs in with (`PUT …/rotation` with `reconcileCredentialId` changes it).'),
  settings: rotationSettingsView.nullable(),
  currentVersion: z.number().int().nullable(),
  pendingVersion: z.number().int().nullable().describe('Set while a rotation is between intent and commit.'),
  activeRotation: rotationView.nullable(),
  lastRotation: rotationView.nullable(),
  nextDueAt: nullableTime.describe('When the expiry scan starts the next change; null without a period or before the first manual change.'),
}).meta({ id: 'RotationState' });

export const rotationStartView = z.object({
  rotation: rotationView,
  operationId: z.uuid().describe('The operation that runs the rotation (`GET /api/v1/operations/{id}`).'),
});

export const secretVersionView = z.object({
  version: z.number().int(),
  state: z.string().describe('`current`, `pending`, `previous` or `discarded`.'),
  operationId: z.string().nullable(),
  createdAt: timestamp,
});

export const historyQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).optional().describe('Rotations per page. Default 50.'),
  after: z.string().min(1).max(512).optional().describe('The `next` cursor of the previous page.'),
});

export const rotationHistoryView = z.object({
  credentialId: z.uuid(),
  versions: z.array(secretVersionView).describe('Every stored version of the secret, newest first; never a value.'),
  rotations: z.array(rotationView).describe('The rotation journal, newest first (one page).'),
  next: z.string().nullable(),
}).meta({ id: 'RotationHistory' });

/** A bulk request names, or its filter matches, at most this many credentials. */
export const MAX_BULK = 1000;

export const bulkRotationInput = z.strictObject({
  credentialIds: z.array(z.uuid()).min(1).max(MAX_BULK).optional().describe('These credentials.'),
  filter: z.strictObject({
    deviceId: z.uuid().optional(),
    syncState: z.enum(CREDENTIAL_SYNC_STATES).optional(),
    profileId: z.uuid().optional().describe('Credentials whose settings came from this profile.'),
  }).optional().describe(`Or every credential with rotation settings that matches (at most ${MAX_BULK}).`),
}).refine((input) => (input.credentialIds === undefined) !== (input.filter === undefined), { message: 'expected exactly one of credentialIds and filter', path: ['credentialIds'] });

export const bulkRotationView = z.object({
  accepted: z.number().int(),
  refused: z.number().int(),
  results: z.array(z.object({
    credentialId: z.string(),
    accepted: z.boolean(),
    rotationId: z.string().nullable(),
    operationId: z.string().nullable(),
    error: z.object({ code: z.string(), message: z.string() }).nullable().describe('Why this credential was refused.'),
  })),
});

export const rotationProfileView = z.object({
  id: z.uuid(),
  name: z.string(),
  criteria: z.object({ deviceType: z.string().nullable(), vendor: z.string().nullable(), model: z.string().nullable(), credentialKind: z.enum(CREDENTIAL_KINDS).nullable() }),
  policy: z.record(z.string(), z.unknown()),
  executor: z.string().nullable(),
  changeTemplateId: z.string().nullable(),
  verifyTemplateId: z.string().nullable(),
  reconcileTemplateId: z.string().nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
}).meta({ id: 'RotationProfile' });

export const eventsQuery = z.strictObject({
  after: z.coerce.number().int().min(0).default(0).describe('Events with a greater seq; pass the previous answer’s `cursor`.'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  types: z.string().regex(/^[A-Za-z0-9_.*,-]+$/).optional().describe('Comma-separated event type globs, e.g. `credential.*,operation.failed`.'),
});

export const eventView = z.object({
  seq: z.number().int(),
  type: z.string(),
  subjectId: z.string(),
  createdAt: timestamp,
  payload: z.record(z.string(), z.unknown()),
}).meta({ id: 'Event' });

export const eventsView = z.object({
  items: z.array(eventView),
  cursor: z.number().int().describe('The last seq looked at: the `after` of the next poll (also when a filter skipped events).'),
  head: z.number().int().describe('The newest seq now; `cursor < head` means more is waiting.'),
});

export function toSettingsView(settings: CredentialRotationRecord): z.infer<typeof rotationSettingsView> {
  return { ...settings, lastRotatedAt: isoOrNull(settings.lastRotatedAt), createdAt: iso(settings.createdAt), updatedAt: iso(settings.updatedAt), policy: { ...settings.policy } };
}

export function toRotationView(rotation: RotationRecord): z.infer<typeof rotationView> {
  return { ...rotation, createdAt: iso(rotation.createdAt), updatedAt: iso(rotation.updatedAt), finishedAt: isoOrNull(rotation.finishedAt) };
}

export function toStateView(state: CredentialRotationState, credential: Credential, settings: CredentialRotationRecord | null): z.infer<typeof rotationStateView> {
  return {
    credentialId: state.credentialId,
    syncState: state.syncState,
    configured: state.configured,
    parentId: credential.parentId,
    reconcileCredentialId: credential.reconcileCredentialId,
    settings: settings ? toSettingsView(settings) : null,
    currentVersion: state.currentVersion,
    pendingVersion: state.pendingVersion,
    activeRotation: state.activeRotation ? toRotationView(state.activeRotation) : null,
    lastRotation: state.lastRotation ? toRotationView(state.lastRotation) : null,
    nextDueAt: isoOrNull(state.nextDueAt),
  };
}

export function toStartView(start: RotationStart): z.infer<typeof rotationStartView> {
  return { rotation: toRotationView(start.rotation), operationId: start.operation.id };
}

/** Only the version's number, state, operation and time: the sealed value stays in the store. */
export function toVersionView(version: SecretVersion): z.infer<typeof secretVersionView> {
  return { version: version.version, state: version.state, operationId: version.operationId, createdAt: iso(version.createdAt) };
}

export function toBulkView(results: readonly BulkRotationResult[]): z.infer<typeof bulkRotationView> {
  const items = results.map((result) => ({ ...result, accepted: result.error === null }));
  const accepted = items.filter((item) => item.accepted).length;
  return { accepted, refused: items.length - accepted, results: items };
}

export function toProfileView(profile: RotationProfileRecord): z.infer<typeof rotationProfileView> {
  return {
    ...profile,
    criteria: { ...profile.criteria, credentialKind: profile.criteria.credentialKind as (typeof CREDENTIAL_KINDS)[number] | null },
    policy: { ...profile.policy },
    createdAt: iso(profile.createdAt),
    updatedAt: iso(profile.updatedAt),
  };
}

export function toEventView(event: OutboxEvent): z.infer<typeof eventView> {
  return { seq: event.seq, type: event.type, subjectId: event.subjectId, createdAt: iso(event.createdAt), payload: { ...event.payload } };
}
