import type { NewOperation, Operation, SealedSecret, SecretVersion } from '../domain/index.js';

/**
 * The store's side of credential rotation (migration 0004, DESIGN.md §4): profiles, each
 * credential's rotation settings, and the rotation journal. The journal's partial unique
 * index is the per-credential lock; every step of the protocol that changes a secret, a
 * credential's sync state or the lock is one transaction with its outbox event.
 *
 * Glossary:
 * - **Rotation** — one journal row: a password change, reconcile or verify (probe) operation
 *   acting on one credential, holding the credential's lock until it finishes.
 * - **Fence** — the lease a worker must still hold for its write to apply, so a worker that
 *   lost its operation to lease recovery can never commit or discard a secret.
 */

// The shapes of `Page` and `PageOf` in store.ts, repeated: store.ts imports this file.
interface Page {
  readonly limit?: number;
  readonly after?: string;
}

interface PageOf<T> {
  readonly items: readonly T[];
  readonly next: string | null;
}

/** What a rotation does: change the password, set it through the reconciliation credential, or only probe. */
export const ROTATION_KINDS = ['password_change', 'reconcile', 'verify'] as const;
export type RotationKind = (typeof ROTATION_KINDS)[number];

/**
 * Who or what asked. `manual`, `bulk` and `api` are requests by a person or client system;
 * the others are automatic and never make a credential's first change.
 */
export const ROTATION_TRIGGERS = ['manual', 'bulk', 'api', 'expiry', 'reveal', 'parent', 'reconcile', 'recovery', 'operation'] as const;
export type RotationTrigger = (typeof ROTATION_TRIGGERS)[number];

/**
 * `requested`: no pending secret yet. `applying`: a pending secret is stored and the device may
 * have been touched. The rest are final: `committed` (pending became current), `failed` (the
 * current secret still works and was kept), `out_of_sync` (neither works), `verified` (a probe
 * confirmed the current secret), `handed_over` (a verify rotation took over the pending
 * secret), `cancelled` (ended before any secret was pending).
 */
export const ROTATION_PHASES = ['requested', 'applying', 'committed', 'failed', 'out_of_sync', 'verified', 'handed_over', 'cancelled'] as const;
export type RotationPhase = (typeof ROTATION_PHASES)[number];

export interface RotationRecord {
  readonly id: string;
  readonly credentialId: string;
  readonly operationId: string;
  readonly kind: RotationKind;
  readonly trigger: RotationTrigger;
  readonly requester: string;
  readonly parentRotationId: string | null;
  readonly phase: RotationPhase;
  readonly errorCode: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** `null` while the rotation holds the credential's lock. */
  readonly finishedAt: number | null;
}

/** A rotation to start: its journal row and its operation are written in one transaction. */
export interface RotationRequest {
  readonly credentialId: string;
  readonly kind: RotationKind;
  readonly trigger: RotationTrigger;
  readonly requester: string;
  readonly parentRotationId?: string | null;
  /** The operation that runs it; its `credentialId` must be the rotation's. */
  readonly operation: NewOperation;
}

export interface RotationStart {
  readonly rotation: RotationRecord;
  readonly operation: Operation;
}

/** The lease a worker holds on the rotation's operation. */
export interface RotationFence {
  readonly operationId: string;
  readonly attemptId: string;
  readonly workerId: string;
}

export interface CommitResult {
  /** The secret version that became current. */
  readonly version: number;
  /** Child rotations started (children already rotating are left alone). */
  readonly children: readonly RotationStart[];
}

export interface RotationJournal {
  /** Starts a rotation; `OST_CONFLICT` (field `credential.rotation`) when one is already unfinished. */
  request(request: RotationRequest): Promise<RotationStart>;
  /**
   * The journal row of an operation submitted without {@link request} (e.g. through the
   * operations API): takes the credential's lock for it, or `OST_CONFLICT`.
   */
  attach(operation: Operation, kind: RotationKind, fence: RotationFence): Promise<RotationRecord>;
  get(id: string): Promise<RotationRecord | null>;
  forOperation(operationId: string): Promise<RotationRecord | null>;
  /** The unfinished rotation of a credential, if any. */
  active(credentialId: string): Promise<RotationRecord | null>;
  /** A credential's rotations, newest first. */
  list(credentialId: string, page?: Page): Promise<PageOf<RotationRecord>>;
  /** Intent: stores the pending secret linked to the operation, phase `applying`, credential `rotating`. */
  recordIntent(rotationId: string, secretId: string, value: SealedSecret, fence: RotationFence): Promise<SecretVersion>;
  /** Pending → current (history kept), credential `in_sync`, `credential.rotated`, children started. */
  commit(rotationId: string, fence: RotationFence | null, children: readonly RotationRequest[]): Promise<CommitResult>;
  /**
   * The current secret still works: discards the pending one (if any), credential `in_sync`.
   * With `failure`, the rotation ends `failed` with `credential.rotation_failed`; without, it
   * stays unfinished (`requested`) for the operation's next attempt.
   */
  keepCurrent(rotationId: string, fence: RotationFence | null, failure: { readonly errorCode: string } | null): Promise<void>;
  /**
   * The pending secret did not take and the change will be tried again: discards it and
   * leaves the rotation open (`requested`); the credential's sync state is left as it is (a
   * reconcile's credential stays `out_of_sync` until the reconcile commits).
   */
  reopen(rotationId: string, fence: RotationFence | null): Promise<void>;
  /** Neither secret works: ends the rotation, credential `out_of_sync`, `credential.out_of_sync`, and starts `reconcile` when given. */
  outOfSync(rotationId: string, fence: RotationFence | null, errorCode: string, reconcile: RotationRequest | null): Promise<RotationStart | null>;
  /** A probe could not tell: credential `unverified` (`credential.unverified`) until a later probe can. */
  markUnverified(rotationId: string, fence: RotationFence | null): Promise<void>;
  /** A probe confirmed the current secret with nothing pending: ends the rotation `verified`, credential `in_sync`. */
  confirmCurrent(rotationId: string, fence: RotationFence | null): Promise<void>;
  /** Ends an unfinished rotation whose operation is over and left nothing pending. */
  finish(rotationId: string, phase: 'failed' | 'cancelled', errorCode: string | null): Promise<boolean>;
  /** Ends an unfinished rotation and starts `next` (a verify rotation) in the same transaction. */
  handOver(rotationId: string, next: RotationRequest): Promise<RotationStart | null>;
  /** Unfinished rotations whose operation has ended (failed, cancelled, expired, succeeded) or vanished. */
  stale(limit: number): Promise<readonly RotationRecord[]>;
}

/** Which devices and credentials a profile applies to; `null` matches anything. */
export interface ProfileCriteria {
  readonly deviceType: string | null;
  readonly vendor: string | null;
  readonly model: string | null;
  readonly credentialKind: string | null;
}

/** How a profile or a credential says which templates rotate it. */
export interface RotationTemplates {
  readonly executor: string | null;
  readonly changeTemplateId: string | null;
  readonly verifyTemplateId: string | null;
  readonly reconcileTemplateId: string | null;
}

export interface RotationProfileRecord extends RotationTemplates {
  readonly id: string;
  readonly name: string;
  readonly criteria: ProfileCriteria;
  /** The rotation policy as stored (validated by `src/rotation` when written). */
  readonly policy: Readonly<Record<string, unknown>>;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface NewRotationProfile extends RotationTemplates {
  readonly name: string;
  readonly criteria: ProfileCriteria;
  readonly policy: Readonly<Record<string, unknown>>;
}

export interface RotationProfileRepository {
  /** `OST_CONFLICT` (field `profile.name`) when the name is taken. */
  create(profile: NewRotationProfile): Promise<RotationProfileRecord>;
  get(id: string): Promise<RotationProfileRecord | null>;
  /** Every profile, oldest first (there are few). */
  list(): Promise<readonly RotationProfileRecord[]>;
  update(id: string, profile: NewRotationProfile): Promise<RotationProfileRecord>;
  delete(id: string): Promise<void>;
}

/** A credential's rotation settings as written. */
export interface CredentialRotationInput {
  readonly profileId: string | null;
  readonly policy: Readonly<Record<string, unknown>>;
  /** The policy's change period in ms, `null` for none. */
  readonly periodMs: number | null;
  readonly executor: string;
  readonly changeTemplateId: string;
  readonly verifyTemplateId: string | null;
  readonly reconcileTemplateId: string | null;
  readonly executorConfig: unknown;
}

export interface CredentialRotationRecord extends CredentialRotationInput {
  readonly credentialId: string;
  readonly lastRotatedAt: number | null;
  /** The first change was requested by a person or client (automatic triggers need it). */
  readonly manualDone: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface RotationSettingsRepository {
  get(credentialId: string): Promise<CredentialRotationRecord | null>;
  /** Creates or replaces the settings; rotation history (last rotation, first manual change) is kept. */
  put(credentialId: string, settings: CredentialRotationInput): Promise<CredentialRotationRecord>;
  delete(credentialId: string): Promise<void>;
  /** Settings of the credential's children (credentials whose parent it is). */
  children(credentialId: string): Promise<readonly CredentialRotationRecord[]>;
  /** Credentials whose period ran out by `now`, first change done, no unfinished rotation; oldest first. */
  listDue(now: number, limit: number): Promise<readonly CredentialRotationRecord[]>;
}
