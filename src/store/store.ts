import type {
  Attempt,
  AttemptOutcome,
  Credential,
  CredentialField,
  CredentialKind,
  CredentialSyncState,
  Device,
  NewDevice,
  NewOperation,
  Operation,
  OperationStatus,
  OstiaryError,
  OutboxEvent,
  SealedSecret,
  SecretVersion,
  Template,
  TemplateType,
  TemplateVersion,
} from '../domain/index.js';
import type {
  ApiTokenRepository,
  AuditRepository,
  LoginFailureRepository,
  SessionRepository,
  UserRepository,
} from './access-store.js';
import type { TaskManagerStore } from './task-manager-store.js';
import type { RotationJournal, RotationProfileRepository, RotationSettingsRepository } from './rotation-store.js';
import type { SinkRepository } from './sink-store.js';

/**
 * The store speaks Ostiary's language, never a driver's: no connection or transaction type
 * crosses this interface. Each method is one transaction; every operation status change
 * appends its outbox event in that same transaction.
 */
export interface Store {
  readonly capabilities: StoreCapabilities;
  readonly devices: DeviceRepository;
  readonly credentials: CredentialRepository;
  readonly secrets: SecretRepository;
  readonly templates: TemplateRepository;
  readonly operations: OperationQueue;
  readonly outbox: OutboxRepository;
  /** Local users (scrypt hashes), console sessions, API tokens and failed-login counters. */
  readonly users: UserRepository;
  readonly sessions: SessionRepository;
  readonly apiTokens: ApiTokenRepository;
  readonly loginFailures: LoginFailureRepository;
  /** The hash-chained audit log; appends are serialized across processes. */
  readonly audit: AuditRepository;
  /** Reasons, tasks, access groups, runs, approvals, schedules and reports (DESIGN §6). */
  readonly taskManager: TaskManagerStore;
  /** Rotation profiles applied at registration by criteria (migration 0004). */
  readonly rotationProfiles: RotationProfileRepository;
  /** Each credential's rotation policy, templates and last change. */
  readonly rotationSettings: RotationSettingsRepository;
  /** The rotation journal: one unfinished rotation per credential, and the protocol's steps. */
  readonly rotations: RotationJournal;
  /** Outbound sinks (syslog, webhooks), their outbox cursors, delivery leases and logs. */
  readonly sinks: SinkRepository;
  /** Wake-ups when work is submitted: LISTEN/NOTIFY on PostgreSQL, in-process on SQLite. */
  readonly signals: WorkSignals;
  /** Applies pending migrations under a lock; safe to call from several processes at once. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

/** Dialect differences as data, so no caller writes `if (sqlite)`. */
export interface StoreCapabilities {
  readonly dialect: 'sqlite' | 'postgres';
  /** Several processes (on several machines) may share the database. */
  readonly multiProcess: boolean;
  /** Wake-ups reach other processes (LISTEN/NOTIFY). */
  readonly crossProcessSignals: boolean;
}

export interface Page {
  /** @defaultValue 50 */
  readonly limit?: number;
  /** Opaque cursor from the previous page. */
  readonly after?: string;
}

export interface PageOf<T> {
  readonly items: readonly T[];
  /** Cursor for the next page, `null` on the last one. */
  readonly next: string | null;
}

export interface DeviceRepository {
  create(device: NewDevice): Promise<Device>;
  get(id: string): Promise<Device | null>;
  getByName(name: string): Promise<Device | null>;
  list(page?: Page): Promise<PageOf<Device>>;
  update(id: string, changes: Partial<NewDevice>): Promise<Device>;
  /** Records the host key seen on first use; returns the pinned key (existing one wins). */
  pinHostKey(id: string, hostKey: string): Promise<string>;
  delete(id: string): Promise<void>;
}

export interface NewCredential {
  readonly deviceId: string;
  readonly username: string;
  readonly kind?: CredentialKind;
  readonly secret: SealedSecret;
  readonly passphrase?: SealedSecret | null;
  readonly additionalInfo?: string | null;
  readonly domain?: string | null;
  readonly fields?: readonly (Omit<CredentialField, 'secretId'> & { readonly secret?: SealedSecret })[];
  readonly parentId?: string | null;
  readonly reconcileCredentialId?: string | null;
}

/** A credential's links: `undefined` keeps one, `null` clears it. */
export interface CredentialLinks {
  readonly parentId?: string | null;
  readonly reconcileCredentialId?: string | null;
}

export interface CredentialRepository {
  create(credential: NewCredential): Promise<Credential>;
  get(id: string): Promise<Credential | null>;
  findByDeviceAndUsername(deviceId: string, username: string): Promise<Credential | null>;
  listByDevice(deviceId: string): Promise<readonly Credential[]>;
  list(page?: Page): Promise<PageOf<Credential>>;
  setSyncState(id: string, state: CredentialSyncState): Promise<void>;
  /** Changes the parent and/or reconciliation credential: they exist, are not the credential itself, parents never loop, the reconciler is on the same device. */
  setLinks(id: string, links: CredentialLinks): Promise<Credential>;
  delete(id: string): Promise<void>;
}

/** Versioned sealed secrets. The store never sees plaintext. */
export interface SecretRepository {
  /** A new secret whose version 1 is `current`; returns its id. */
  create(value: SealedSecret): Promise<string>;
  current(secretId: string): Promise<SecretVersion | null>;
  pending(secretId: string): Promise<SecretVersion | null>;
  history(secretId: string): Promise<readonly SecretVersion[]>;
  /** Adds a `pending` version linked to the operation; at most one pending per secret. */
  addPending(secretId: string, value: SealedSecret, operationId: string | null): Promise<SecretVersion>;
  /** pending → current, the old current → previous, in one transaction. */
  promotePending(secretId: string): Promise<void>;
  /** pending → discarded. */
  discardPending(secretId: string): Promise<void>;
  /** Adds a new `current` version directly (set by a user), the old one → previous. */
  replaceCurrent(secretId: string, value: SealedSecret): Promise<SecretVersion>;
  /** Every stored version's wrapped data key, for `vault rekey`. */
  listWrappedKeys(): Promise<readonly WrappedKeyRow[]>;
  /** Rewrites wrapped data keys in one transaction; all or nothing. */
  rewrapKeys(rows: readonly WrappedKeyRow[]): Promise<void>;
}

export interface WrappedKeyRow {
  readonly secretId: string;
  readonly version: number;
  readonly masterKeyId: string;
  readonly wrappedKey: Buffer;
}

export interface NewTemplate {
  readonly name: string;
  readonly type: TemplateType;
  readonly executor: string;
  readonly source: string;
  readonly author: string;
}

export interface TemplateRepository {
  /** Creates the template with version 1. */
  create(template: NewTemplate): Promise<{ template: Template; version: TemplateVersion }>;
  /** Every save is a new version. */
  saveVersion(templateId: string, source: string, author: string): Promise<TemplateVersion>;
  get(id: string): Promise<Template | null>;
  getByName(name: string): Promise<Template | null>;
  getVersion(templateId: string, version: number): Promise<TemplateVersion | null>;
  listVersions(templateId: string): Promise<readonly TemplateVersion[]>;
  list(page?: Page): Promise<PageOf<Template>>;
}

export interface OperationFilter {
  readonly status?: readonly OperationStatus[];
  readonly deviceId?: string;
  readonly credentialId?: string;
  readonly requester?: string;
  readonly runId?: string;
  readonly createdFrom?: number;
  readonly createdTo?: number;
}

export interface ClaimRequest {
  readonly workerId: string;
  readonly leaseMs: number;
  /** At most this many `running` operations per device, across all workers. @defaultValue 1 */
  readonly perDeviceLimit: number;
  /** Only these executors (the ones this worker has). */
  readonly executors: readonly string[];
}

/** What a worker gets when it claims: the operation (now `running`) and its new attempt. */
export interface Claim {
  readonly operation: Operation;
  readonly attempt: Attempt;
}

/** How a worker reports the end of an attempt. The store checks the worker still holds the lease. */
export interface AttemptResult {
  readonly outcome: Exclude<AttemptOutcome, 'abandoned'>;
  /** Where the operation goes: `succeeded`, `failed`, `cancelled`, or `scheduled` for a retry. */
  readonly nextStatus: 'succeeded' | 'failed' | 'cancelled' | 'scheduled';
  /** With `scheduled`: when the retry may start (epoch ms). */
  readonly retryAt?: number;
  readonly errorCode?: string | null;
  /** Redacted. */
  readonly message?: string | null;
  /** Redacted; the rest of the transcript not yet appended. */
  readonly transcriptTail?: string;
}

/** One attempt to end, for {@link OperationQueue.completeMany}. */
export interface Completion {
  readonly operationId: string;
  readonly attemptId: string;
  readonly workerId: string;
  readonly result: AttemptResult;
}

/** What {@link OperationQueue.completeAndClaim} did: each item's outcome, in order, and the new claims. */
export interface CompletedBatch {
  readonly outcomes: readonly CompletionOutcome[];
  readonly claims: readonly Claim[];
}

/** How one item of a batch of completions ended: the moved operation, or why it was not reported (`OST_LEASE_LOST`, …). */
export type CompletionOutcome = { readonly ok: true; readonly operation: Operation } | { readonly ok: false; readonly error: OstiaryError };

export interface HeartbeatResult {
  readonly leaseExpiresAt: number;
  readonly cancelRequested: boolean;
}

export interface RecoveredOperation {
  readonly operationId: string;
  readonly attemptId: string;
  /** `cancelled` when a cancel was requested while the abandoned attempt ran. */
  readonly nextStatus: 'scheduled' | 'failed' | 'cancelled';
}

export interface QueueStats {
  readonly byStatus: Readonly<Partial<Record<OperationStatus, number>>>;
  /** The same counts split by executor (for metrics). */
  readonly byStatusAndExecutor: readonly { readonly status: OperationStatus; readonly executor: string; readonly count: number }[];
  /** Operations `scheduled` and due now: waiting for a worker. */
  readonly dueCount: number;
  /** Age in ms of the oldest operation that is due and `scheduled`; 0 when none. */
  readonly oldestDueAgeMs: number;
}

/** The operation queue (DESIGN.md §3). Every status change goes through the domain's status machine. */
export interface OperationQueue {
  submit(operation: NewOperation): Promise<Operation>;
  submitMany(operations: readonly NewOperation[]): Promise<readonly Operation[]>;
  get(id: string): Promise<Operation | null>;
  list(filter?: OperationFilter, page?: Page): Promise<PageOf<Operation>>;
  attempts(operationId: string): Promise<readonly Attempt[]>;
  /**
   * Atomically takes the most urgent due operation (priority desc, notBefore, createdAt)
   * that respects the per-device limit; `null` when none. Starts a new attempt.
   */
  claimNext(request: ClaimRequest): Promise<Claim | null>;
  /**
   * Like `claimNext`, up to `max` operations in one transaction (most urgent first); empty
   * when none is due. A busy worker claims its free slots at once.
   */
  claimMany(request: ClaimRequest, max: number): Promise<readonly Claim[]>;
  /** Extends the lease; `null` when the worker no longer holds it (recovered elsewhere). */
  heartbeat(operationId: string, attemptId: string, workerId: string, leaseMs: number): Promise<HeartbeatResult | null>;
  /** Appends redacted transcript text to a running attempt (so it survives a crash). */
  appendTranscript(attemptId: string, workerId: string, text: string): Promise<void>;
  /** Ends the attempt and moves the operation; throws `OST_LEASE_LOST` when the lease was lost. */
  complete(operationId: string, attemptId: string, workerId: string, result: AttemptResult): Promise<Operation>;
  /** Like `complete` for several attempts in one transaction, each with its own outcome (see `Completion`). */
  completeMany(items: readonly Completion[]): Promise<readonly CompletionOutcome[]>;
  /**
   * `completeMany`, then up to `max` (≥ 0) claims for the same worker, in one transaction. It
   * never waits for a device lock: a device another claimer holds is left for `claimMany`.
   */
  completeAndClaim(items: readonly Completion[], request: ClaimRequest, max: number): Promise<CompletedBatch>;
  /** Scheduled/waiting → cancelled now; running → flag the worker sees at its next heartbeat. */
  requestCancel(operationId: string, actor: string): Promise<Operation>;
  /** failed → scheduled, by a user. */
  restart(operationId: string, actor: string): Promise<Operation>;
  /** "Request immediate execution": front of the queue, due now. */
  runImmediately(operationId: string, actor: string): Promise<Operation>;
  /** waiting_approval → scheduled | cancelled | expired. */
  release(operationIds: readonly string[], to: 'scheduled' | 'cancelled' | 'expired', actor: string): Promise<void>;
  /** Closes attempts whose lease ran out as `abandoned` and retries or fails their operations. */
  recoverExpiredLeases(now: number): Promise<readonly RecoveredOperation[]>;
  stats(): Promise<QueueStats>;
}

export interface OutboxRepository {
  /** Appends an event outside an operation change (e.g. a device was created). */
  append(type: string, subjectId: string, payload: Record<string, unknown>): Promise<OutboxEvent>;
  /** Events with `seq > afterSeq`, oldest first. */
  read(afterSeq: number, limit: number): Promise<readonly OutboxEvent[]>;
  /** The newest seq, 0 when the outbox is empty. */
  head(): Promise<number>;
}

export interface WorkSignals {
  /** Calls `onWork` when operations become due; returns a function that stops listening. */
  onWork(onWork: () => void): Promise<() => Promise<void>>;
  /** Tells every listener (in every process, where the dialect can) that work is due. */
  notifyWork(): Promise<void>;
}
