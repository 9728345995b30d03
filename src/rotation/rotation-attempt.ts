import type { SealedSecret } from '../domain/index.js';
import type { DelegatedAttempt, EngineLogger } from '../engine/index.js';
import type { Store } from '../store/store.js';
import type { PasswordPolicy } from '../vault/index.js';
import type { RotationOperationSettings } from './rotation-requests.js';

/**
 * One attempt of a rotation operation (`password_change`, `reconcile` or `verify`), as the
 * engine hands it to rotation (its `OperationRunner` seam): the operation under this
 * worker's lease, the executor, the abort signal, the transcript, and `runTemplate()`, which
 * runs the operation's template with `[#CURRENT_PASSWORD#]` and `[#NEW_PASSWORD#]` filled from
 * the current secret and the pending one the intent step stored for this operation.
 */
export type RotationAttempt = DelegatedAttempt;

/** Sealing and opening, as the vault does them. */
export interface SecretSealer {
  seal(plaintext: string): SealedSecret;
  open(sealed: SealedSecret): string;
}

/** How a rotation ended, as counted: the `outcome` label of `ostiary_rotations_total`. */
export type RotationOutcomeLabel = 'succeeded' | 'failed' | 'unverified' | 'out_of_sync' | 'reconciled';

/**
 * Where rotation outcomes are counted: structurally a prom-client counter with an `outcome`
 * label (`OstiaryMetrics.rotations`), so rotation needs no metrics code (and no import of
 * the layer that serves `/metrics`).
 */
export interface RotationOutcomeCounter {
  inc(labels: { outcome: RotationOutcomeLabel }): void;
}

export interface RotationRunnerDeps {
  readonly store: Store;
  readonly vault: SecretSealer;
  /** How child and reconcile operations are submitted. @defaultValue DEFAULT_ROTATION_OPERATIONS */
  readonly operations?: RotationOperationSettings;
  /** @defaultValue a logger that discards everything */
  readonly logger?: EngineLogger;
  /**
   * Where new passwords come from. @defaultValue the vault's `generatePassword` with the
   * credential's password policy (a seam for an external generator, and for tests that need
   * characters no policy draws, such as a space).
   */
  readonly generatePassword?: (policy: PasswordPolicy) => string;
  /** Counts each decided outcome once, after its fenced write. @defaultValue none */
  readonly outcomes?: RotationOutcomeCounter;
}
