import { validationError } from '../domain/index.js';
import type { Credential, Device, TemplateVersion } from '../domain/index.js';
import { FinalExecutorError } from '../executors/executor.js';
import type { CredentialRotationRecord, RotationFence, RotationKind, RotationRecord } from '../store/rotation-store.js';
import type { Store } from '../store/store.js';
import { loginProbeFor } from './login-probe.js';
import type { LoginProbe } from './login-probe.js';
import type { RotationAttempt } from './rotation-attempt.js';
import { parseRotationPolicy } from './rotation-policy.js';
import type { RotationPolicy } from './rotation-policy.js';

/** Everything one attempt of a rotation works with, loaded before the protocol starts. */
export interface RotationJob {
  readonly attempt: RotationAttempt;
  readonly rotation: RotationRecord;
  readonly credential: Credential;
  readonly device: Device;
  /** `null` for an operation submitted for a credential without rotation settings. */
  readonly settings: CredentialRotationRecord | null;
  readonly policy: RotationPolicy;
  readonly fence: RotationFence;
  readonly probe: LoginProbe;
}

const KINDS: ReadonlySet<string> = new Set<RotationKind>(['password_change', 'reconcile', 'verify']);

/** Loads the job and takes (or finds) the rotation's journal row for this operation. */
export async function loadRotationJob(store: Store, attempt: RotationAttempt): Promise<RotationJob> {
  const { operation } = attempt;
  if (!KINDS.has(operation.type)) throw validationError('operation.type', 'rotation runs password_change, reconcile and verify operations only');
  const credential = await requireCredential(store, operation.credentialId);
  if (credential.kind !== 'password') throw new FinalExecutorError('OST_VALIDATION', 'credential.kind: only password credentials rotate');
  const device = await requireDevice(store, operation.deviceId ?? credential.deviceId);
  const settings = await store.rotationSettings.get(credential.id);
  const fence: RotationFence = { operationId: operation.id, attemptId: attempt.attemptId, workerId: attempt.workerId };
  const rotation = (await store.rotations.forOperation(operation.id)) ?? (await store.rotations.attach(operation, operation.type as RotationKind, fence));
  const verifyTemplate = await verifyTemplateOf(store, settings);
  const probe = loginProbeFor({
    executor: attempt.executor, device, credential, operation,
    executorConfig: settings?.executorConfig ?? null,
    timeouts: operation.timeouts, signal: attempt.signal, transcript: attempt.transcript,
    verifyTemplate,
  });
  return Object.freeze({ attempt, rotation, credential, device, settings, policy: parseRotationPolicy(settings?.policy ?? {}), fence, probe });
}

async function requireCredential(store: Store, id: string | null): Promise<Credential> {
  const credential = id === null ? null : await store.credentials.get(id);
  if (credential) return credential;
  throw new FinalExecutorError('OST_NOT_FOUND', `operation.credentialId: the rotation's credential ${id ?? '(none)'} does not exist`);
}

async function requireDevice(store: Store, id: string): Promise<Device> {
  const device = await store.devices.get(id);
  if (device) return device;
  throw new FinalExecutorError('OST_NOT_FOUND', `operation.deviceId: the rotation's device ${id} does not exist`);
}

async function verifyTemplateOf(store: Store, settings: CredentialRotationRecord | null): Promise<TemplateVersion | null> {
  if (!settings?.verifyTemplateId) return null;
  const template = await store.templates.get(settings.verifyTemplateId);
  if (!template) throw new FinalExecutorError('OST_NOT_FOUND', `rotation.verifyTemplateId: template ${settings.verifyTemplateId} does not exist`);
  return store.templates.getVersion(template.id, template.latestVersion);
}
