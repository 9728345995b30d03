import type { Credential, Operation } from '../domain/index.js';
import type { Store } from '../store/store.js';
import type { SecretOpener } from './secret-opener.js';

/** The plaintext passwords a `password_change` or `reconcile` operation's template may use. */
export interface RotationPasswords {
  /** Fills `[#CURRENT_PASSWORD#]`; `null` leaves the mask unfilled. */
  readonly current: string | null;
  /** Fills `[#NEW_PASSWORD#]`; `null` leaves the mask unfilled. */
  readonly next: string | null;
}

/**
 * The seam where rotation (DESIGN.md §4) plugs in: it is asked only for `password_change` and `reconcile`
 * operations, so no other operation ever sees `CURRENT_PASSWORD` or `NEW_PASSWORD`.
 */
export interface PasswordMaskSource {
  passwords(operation: Operation, credential: Credential): Promise<RotationPasswords>;
}

/**
 * Default source: the credential's current secret, and the *pending* secret only when it was
 * created for this very operation (the rotation's "intent" step commits it before the run).
 * A pending value left by another operation is never handed out.
 */
export function pendingSecretPasswords(store: Store, vault: SecretOpener): PasswordMaskSource {
  return {
    async passwords(operation, credential) {
      if (credential.kind !== 'password') return { current: null, next: null };
      const current = await store.secrets.current(credential.secretId);
      const pending = await store.secrets.pending(credential.secretId);
      const ours = pending !== null && pending.operationId === operation.id;
      return {
        current: current === null ? null : vault.open(current),
        next: ours ? vault.open(pending) : null,
      };
    },
  };
}
