import type { Selectable } from 'kysely';
import type {
  CredentialRotationRecord,
  RotationKind,
  RotationPhase,
  RotationProfileRecord,
  RotationRecord,
  RotationTrigger,
} from './rotation-store.js';
import type { CredentialRotationTable, RotationProfilesTable, RotationsTable } from './rotation-tables.js';

export type RotationRow = Selectable<RotationsTable>;
export type SettingsRow = Selectable<CredentialRotationTable>;
export type ProfileRow = Selectable<RotationProfilesTable>;

export function toRotation(row: RotationRow): RotationRecord {
  return Object.freeze({
    id: row.id,
    credentialId: row.credential_id,
    operationId: row.operation_id,
    kind: row.kind as RotationKind,
    trigger: row.trigger as RotationTrigger,
    requester: row.requester,
    parentRotationId: row.parent_rotation_id,
    phase: row.phase as RotationPhase,
    errorCode: row.error_code,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    finishedAt: row.finished_at === null ? null : Number(row.finished_at),
  });
}

export function toSettings(row: SettingsRow): CredentialRotationRecord {
  return Object.freeze({
    credentialId: row.credential_id,
    profileId: row.profile_id,
    policy: parseObject(row.policy),
    periodMs: row.period_ms === null ? null : Number(row.period_ms),
    executor: row.executor,
    changeTemplateId: row.change_template_id,
    verifyTemplateId: row.verify_template_id,
    reconcileTemplateId: row.reconcile_template_id,
    executorConfig: row.executor_config === null ? null : (JSON.parse(row.executor_config) as unknown),
    lastRotatedAt: row.last_rotated_at === null ? null : Number(row.last_rotated_at),
    manualDone: Number(row.manual_done) === 1,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  });
}

export function toProfile(row: ProfileRow): RotationProfileRecord {
  return Object.freeze({
    id: row.id,
    name: row.name,
    criteria: Object.freeze({ deviceType: row.device_type, vendor: row.vendor, model: row.model, credentialKind: row.credential_kind }),
    policy: parseObject(row.policy),
    executor: row.executor,
    changeTemplateId: row.change_template_id,
    verifyTemplateId: row.verify_template_id,
    reconcileTemplateId: row.reconcile_template_id,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  });
}

function parseObject(text: string): Readonly<Record<string, unknown>> {
  return Object.freeze(JSON.parse(text) as Record<string, unknown>);
}
