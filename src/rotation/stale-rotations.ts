import type { Store } from '../store/store.js';
import type { RotationRecord, RotationStart } from '../store/rotation-store.js';
import { buildRotationRequest } from './rotation-requests.js';
import type { RotationOperationSettings } from './rotation-requests.js';
import { parseRotationPolicy } from './rotation-policy.js';

/** What settling a stale rotation did: nothing (its operation still runs), ended it, or handed it to a verify. */
export type StaleOutcome = { readonly kind: 'busy' } | { readonly kind: 'finished' } | { readonly kind: 'handed_over'; readonly start: RotationStart };

const ENDED: ReadonlySet<string> = new Set(['succeeded', 'failed', 'cancelled', 'expired']);

/**
 * A rotation whose operation ended (cancelled, failed after its last retry, expired) without
 * settling holds the credential's lock for nothing. With nothing pending the device was never
 * left in doubt: the rotation simply ends. With a pending secret the device may have it, so a
 * `verify` rotation takes over in the same transaction and probes (DESIGN.md §4) — unless the
 * stale rotation was already a verify (`handOverVerify` false): then an endless chain of
 * probes that cannot tell is avoided and the credential stays `unverified` for an operator.
 */
export async function settleStaleRotation(
  store: Store,
  operations: RotationOperationSettings,
  rotation: RotationRecord,
  options: { readonly handOverVerify: boolean },
): Promise<StaleOutcome> {
  const operation = await store.operations.get(rotation.operationId);
  if (operation && !ENDED.has(operation.status)) return { kind: 'busy' };
  const credential = await store.credentials.get(rotation.credentialId);
  const pending = credential ? await store.secrets.pending(credential.secretId) : null;
  if (!credential || !pending) {
    const failed = operation?.status === 'failed';
    const done = await store.rotations.finish(rotation.id, failed ? 'failed' : 'cancelled', failed ? (operation.lastErrorCode ?? 'OST_ROTATION_NOT_APPLIED') : null);
    return done ? { kind: 'finished' } : { kind: 'busy' };
  }
  const settings = await store.rotationSettings.get(credential.id);
  if (!settings || (rotation.kind === 'verify' && !options.handOverVerify)) return { kind: 'busy' };
  const request = await buildRotationRequest(store, operations, {
    credential, settings, kind: 'verify', trigger: 'recovery', requester: rotation.requester, priority: parseRotationPolicy(settings.policy).priority,
  });
  const start = await store.rotations.handOver(rotation.id, request);
  return start ? { kind: 'handed_over', start } : { kind: 'busy' };
}
