import { OstiaryError } from '../domain/index.js';
import type { CredentialSyncState } from '../domain/index.js';
import type { CredentialRotationRecord, RotationRecord } from '../store/rotation-store.js';
import type { Store } from '../store/store.js';
import { parseRotationPolicy } from './rotation-policy.js';
import type { RotationPolicy } from './rotation-policy.js';

/** What an operator sees about a credential's rotation: never a secret, only versions and states. */
export interface CredentialRotationState {
  readonly credentialId: string;
  /** `in_sync`, `rotating`, `unverified` or `out_of_sync`: normal, visible states (DESIGN.md §4). */
  readonly syncState: CredentialSyncState;
  readonly configured: boolean;
  readonly policy: RotationPolicy | null;
  readonly settings: Omit<CredentialRotationRecord, 'policy'> | null;
  /** The current secret version, and the pending one while a rotation is between intent and commit. */
  readonly currentVersion: number | null;
  readonly pendingVersion: number | null;
  readonly activeRotation: RotationRecord | null;
  readonly lastRotation: RotationRecord | null;
  /** When the expiry scan will start the next change; `null` without a period or before the first manual change. */
  readonly nextDueAt: number | null;
}

export async function credentialRotationState(store: Store, credentialId: string): Promise<CredentialRotationState> {
  const credential = await store.credentials.get(credentialId);
  if (!credential) throw new OstiaryError('OST_NOT_FOUND', `credentialId: credential ${credentialId} does not exist`, { details: { field: 'credentialId', id: credentialId } });
  const settings = await store.rotationSettings.get(credentialId);
  const [current, pending, active, history] = await Promise.all([
    store.secrets.current(credential.secretId),
    store.secrets.pending(credential.secretId),
    store.rotations.active(credentialId),
    store.rotations.list(credentialId, { limit: 1 }),
  ]);
  return Object.freeze({
    credentialId,
    syncState: credential.syncState,
    configured: settings !== null,
    policy: settings ? parseRotationPolicy(settings.policy) : null,
    settings: settings ? withoutPolicy(settings) : null,
    currentVersion: current?.version ?? null,
    pendingVersion: pending?.version ?? null,
    activeRotation: active,
    lastRotation: history.items[0] ?? null,
    nextDueAt: nextDue(settings),
  });
}

function withoutPolicy(settings: CredentialRotationRecord): Omit<CredentialRotationRecord, 'policy'> {
  const { policy: _policy, ...rest } = settings;
  return Object.freeze(rest);
}

function nextDue(settings: CredentialRotationRecord | null): number | null {
  if (!settings?.manualDone || settings.periodMs === null || settings.lastRotatedAt === null) return null;
  return settings.lastRotatedAt + settings.periodMs;
}
