import { isOstiaryError, OstiaryError, validationError } from '../domain/index.js';
import type { Credential } from '../domain/index.js';
import type { CredentialRotationRecord, RotationKind, RotationStart, RotationTrigger } from '../store/rotation-store.js';
import type { Store } from '../store/store.js';
import { nextWindowStart } from './change-window.js';
import { parseRotationPolicy } from './rotation-policy.js';
import { buildRotationRequest, DEFAULT_ROTATION_OPERATIONS } from './rotation-requests.js';
import type { RotationOperationSettings } from './rotation-requests.js';
import { settleStaleRotation } from './stale-rotations.js';

/** Triggers that stand for a person or client system asking (DESIGN.md §4: the first change is always one of these). */
export const REQUESTED_TRIGGERS: ReadonlySet<RotationTrigger> = new Set(['manual', 'bulk', 'api']);

export interface RotationServiceOptions {
  readonly store: Store;
  /** @defaultValue DEFAULT_ROTATION_OPERATIONS */
  readonly operations?: RotationOperationSettings;
  /** @defaultValue Date.now */
  readonly clock?: () => number;
}

export interface RotateOptions {
  readonly requester: string;
  /** @defaultValue 'manual' */
  readonly trigger?: RotationTrigger;
}

/** One credential's answer in a bulk request: the rotation started, or why not. */
export interface BulkRotationResult {
  readonly credentialId: string;
  readonly rotationId: string | null;
  readonly operationId: string | null;
  readonly error: { readonly code: string; readonly message: string } | null;
}

/** What a reveal led to: a rotation started, or why none could start (the reveal stands either way). */
export type RevealRotation =
  | { readonly kind: 'started'; readonly start: RotationStart }
  | { readonly kind: 'refused'; readonly code: string; readonly message: string };

/**
 * Starts rotations (DESIGN.md §4 triggers): manual, bulk and API requests, the expiry scan,
 * after a reveal, reconcile and verify requests. Automatic triggers respect the policy's
 * change window and never make a credential's first change. The store's per-credential lock
 * makes every start race-free, also across processes.
 */
export class RotationService {
  readonly #store: Store;
  readonly #operations: RotationOperationSettings;
  readonly #clock: () => number;

  constructor(options: RotationServiceOptions) {
    this.#store = options.store;
    this.#operations = options.operations ?? DEFAULT_ROTATION_OPERATIONS;
    this.#clock = options.clock ?? Date.now;
  }

  /** Starts a password change; `OST_CONFLICT` when one is in progress, `OST_FIRST_CHANGE_MANUAL` for an automatic first change. */
  rotate(credentialId: string, options: RotateOptions): Promise<RotationStart> {
    return this.#start(credentialId, 'password_change', options.trigger ?? 'manual', options.requester);
  }

  /** Starts a rotation for each credential; one credential's refusal does not stop the others. */
  async rotateMany(credentialIds: readonly string[], requester: string): Promise<readonly BulkRotationResult[]> {
    const results: BulkRotationResult[] = [];
    for (const credentialId of new Set(credentialIds)) results.push(await this.#bulkOne(credentialId, requester));
    return Object.freeze(results);
  }

  /** Sets a new password through the credential's reconciliation credential and reconcile template. */
  reconcile(credentialId: string, requester: string): Promise<RotationStart> {
    return this.#start(credentialId, 'reconcile', 'manual', requester);
  }

  /** Probes the credential's passwords; settles a pending one left by an interrupted rotation. */
  verify(credentialId: string, requester: string): Promise<RotationStart> {
    return this.#start(credentialId, 'verify', 'manual', requester);
  }

  /**
   * After an audited reveal: requests a change (trigger `reveal`, in the policy's window) when
   * the policy says `changeAfterReveal`; `null` when it does not. The service's rules hold: a
   * first change is refused (`OST_FIRST_CHANGE_MANUAL`), as is a credential already rotating
   * (`OST_CONFLICT`); a refusal comes back with its reason instead of being thrown, because
   * the reveal it follows has happened and stands.
   */
  async afterReveal(credentialId: string, actor: string): Promise<RevealRotation | null> {
    const settings = await this.#store.rotationSettings.get(credentialId);
    if (!settings || !parseRotationPolicy(settings.policy).changeAfterReveal) return null;
    try {
      return Object.freeze({ kind: 'started', start: await this.#start(credentialId, 'password_change', 'reveal', actor) });
    } catch (error) {
      if (!isOstiaryError(error)) throw error;
      return Object.freeze({ kind: 'refused', code: error.code, message: error.message });
    }
  }

  /** The periodic scan: starts a rotation for every credential whose change period ran out. */
  async scanDue(limit = 200): Promise<readonly RotationStart[]> {
    const started: RotationStart[] = [];
    for (const settings of await this.#store.rotationSettings.listDue(this.#clock(), limit)) {
      const start = await this.#startOrSkip(settings.credentialId, 'expiry', 'rotation:expiry');
      if (start) started.push(start);
    }
    return Object.freeze(started);
  }

  /** Ends or hands over rotations whose operation ended without settling them; returns how many. */
  async sweep(limit = 200): Promise<number> {
    let settled = 0;
    for (const rotation of await this.#store.rotations.stale(limit)) {
      const outcome = await settleStaleRotation(this.#store, this.#operations, rotation, { handOverVerify: false });
      if (outcome.kind !== 'busy') settled += 1;
    }
    return settled;
  }

  async #start(credentialId: string, kind: RotationKind, trigger: RotationTrigger, requester: string): Promise<RotationStart> {
    const { credential, settings } = await this.#configured(credentialId);
    if (kind === 'password_change' && !REQUESTED_TRIGGERS.has(trigger) && !settings.manualDone) {
      throw new OstiaryError('OST_FIRST_CHANGE_MANUAL', `credential ${credentialId}: its first password change must be requested by hand (trigger ${trigger})`, { details: { credentialId, trigger } });
    }
    const policy = parseRotationPolicy(settings.policy);
    const now = this.#clock();
    const notBefore = REQUESTED_TRIGGERS.has(trigger) ? now : nextWindowStart(policy.window, now);
    const request = await buildRotationRequest(this.#store, this.#operations, { credential, settings, kind, trigger, requester, priority: policy.priority, notBefore });
    try {
      return await this.#store.rotations.request(request);
    } catch (error) {
      if (!isRotationConflict(error)) throw error;
      return this.#afterConflict(error, request.credentialId, kind, () => this.#store.rotations.request(request));
    }
  }

  /**
   * An unfinished rotation whose operation has ended holds the lock for nothing: settle it and
   * try once more. A verify request is answered by the verify that took over a pending secret.
   */
  async #afterConflict(error: OstiaryError, credentialId: string, kind: RotationKind, retry: () => Promise<RotationStart>): Promise<RotationStart> {
    const active = await this.#store.rotations.active(credentialId);
    if (!active) return retry();
    const outcome = await settleStaleRotation(this.#store, this.#operations, active, { handOverVerify: kind === 'verify' });
    if (outcome.kind === 'finished') return retry();
    if (outcome.kind === 'handed_over' && kind === 'verify') return outcome.start;
    throw error;
  }

  /** For automatic triggers: a credential already rotating, or never changed by hand, is skipped. */
  async #startOrSkip(credentialId: string, trigger: RotationTrigger, requester: string): Promise<RotationStart | null> {
    try {
      return await this.#start(credentialId, 'password_change', trigger, requester);
    } catch (error) {
      if (isRotationConflict(error) || (isOstiaryError(error) && error.code === 'OST_FIRST_CHANGE_MANUAL')) return null;
      throw error;
    }
  }

  async #bulkOne(credentialId: string, requester: string): Promise<BulkRotationResult> {
    try {
      const { rotation, operation } = await this.rotate(credentialId, { requester, trigger: 'bulk' });
      return Object.freeze({ credentialId, rotationId: rotation.id, operationId: operation.id, error: null });
    } catch (error) {
      if (!isOstiaryError(error)) throw error;
      return Object.freeze({ credentialId, rotationId: null, operationId: null, error: Object.freeze({ code: error.code, message: error.message }) });
    }
  }

  async #configured(credentialId: string): Promise<{ credential: Credential; settings: CredentialRotationRecord }> {
    if (typeof credentialId !== 'string' || credentialId === '') throw validationError('credentialId', 'expected a credential id');
    const credential = await this.#store.credentials.get(credentialId);
    if (!credential) throw new OstiaryError('OST_NOT_FOUND', `credentialId: credential ${credentialId} does not exist`, { details: { field: 'credentialId', id: credentialId } });
    const settings = await this.#store.rotationSettings.get(credentialId);
    if (!settings) throw validationError('credential.rotation', `credential ${credentialId} has no rotation settings; set its policy and templates first`);
    return { credential, settings };
  }
}

export function isRotationConflict(error: unknown): error is OstiaryError {
  return isOstiaryError(error) && error.code === 'OST_CONFLICT' && error.details.field === 'credential.rotation';
}
