import { DEFAULT_TIMEOUTS, OstiaryError, validationError } from '../domain/index.js';
import type { Credential, OperationTimeouts, RetryPolicy } from '../domain/index.js';
import type { CredentialRotationRecord, RotationKind, RotationRequest, RotationTrigger } from '../store/rotation-store.js';
import type { Store } from '../store/store.js';

/**
 * Rotations retry longer than tasks: a target that is down must not leave a credential's
 * rotation failed for good, and every retry starts by probing (DESIGN.md §4), so retrying
 * is always safe.
 */
export const ROTATION_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: 4,
  intervalMs: 5_000,
  backoff: 2,
  maxIntervalMs: 120_000,
  intervalAfterExhaustionMs: 600_000,
  hardLimit: 30,
});

/** How the operations of rotations are submitted. */
export interface RotationOperationSettings {
  /** @defaultValue {@link ROTATION_RETRY_POLICY} */
  readonly retryPolicy: RetryPolicy;
  /** @defaultValue DEFAULT_TIMEOUTS */
  readonly timeouts: OperationTimeouts;
}

export const DEFAULT_ROTATION_OPERATIONS: RotationOperationSettings = Object.freeze({ retryPolicy: ROTATION_RETRY_POLICY, timeouts: DEFAULT_TIMEOUTS });

export interface RotationRequestInput {
  readonly credential: Credential;
  readonly settings: CredentialRotationRecord;
  readonly kind: RotationKind;
  readonly trigger: RotationTrigger;
  readonly requester: string;
  readonly priority: number;
  /** @defaultValue now */
  readonly notBefore?: number;
  readonly parentOperationId?: string | null;
}

/** The journal row and operation of one rotation, pinned to the latest version of its template. */
export async function buildRotationRequest(store: Store, operations: RotationOperationSettings, input: RotationRequestInput): Promise<RotationRequest> {
  const templateId = templateFor(input.settings, input.kind);
  const template = await store.templates.get(templateId);
  if (!template) throw new OstiaryError('OST_NOT_FOUND', `rotation.templateId: template ${templateId} does not exist`, { details: { field: 'rotation.templateId', id: templateId } });
  return Object.freeze({
    credentialId: input.credential.id,
    kind: input.kind,
    trigger: input.trigger,
    requester: input.requester,
    operation: Object.freeze({
      type: input.kind,
      executor: input.settings.executor,
      templateId,
      templateVersion: template.latestVersion,
      deviceId: input.credential.deviceId,
      credentialId: input.credential.id,
      variables: {},
      requester: input.requester,
      priority: input.priority,
      retryPolicy: operations.retryPolicy,
      timeouts: operations.timeouts,
      parentId: input.parentOperationId ?? null,
      ...(input.notBefore === undefined ? {} : { notBefore: input.notBefore }),
    }),
  });
}

/** A verify (probe) operation pins the verify template, or the change template for reference when it runs none. */
function templateFor(settings: CredentialRotationRecord, kind: RotationKind): string {
  if (kind === 'password_change') return settings.changeTemplateId;
  if (kind === 'verify') return settings.verifyTemplateId ?? settings.changeTemplateId;
  if (settings.reconcileTemplateId === null) throw validationError('rotation.reconcileTemplateId', 'the credential has no reconcile template');
  return settings.reconcileTemplateId;
}
