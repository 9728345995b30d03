import type { OutboxEvent } from '../domain/index.js';

/**
 * The store's side of people, machines and the audit trail (migration 0002): users, console
 * sessions, API tokens, failed-login counters and the hash-chained audit log. Secrets never
 * reach these tables: passwords are scrypt hashes, session ids and API tokens SHA-256 hashes,
 * audit `changes` carry no secret value.
 */
// The shapes of `Page` and `PageOf` in store.ts, repeated: store.ts imports this file, and
// importing back would make a cycle.
interface Page {
  readonly limit?: number;
  readonly after?: string;
}

interface PageOf<T> {
  readonly items: readonly T[];
  readonly next: string | null;
}

export interface UserRecord {
  readonly id: string;
  /** Unique, case-sensitive. */
  readonly username: string;
  /** `scrypt$N$r$p$salt$hash` (see `password-hash.ts`). */
  readonly passwordHash: string;
  /** Role names; the auth layer checks them against its role table. */
  readonly roles: readonly string[];
  readonly disabled: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface NewUser {
  readonly username: string;
  readonly passwordHash: string;
  readonly roles: readonly string[];
}

export interface UserChanges {
  readonly roles?: readonly string[];
  readonly disabled?: boolean;
  readonly passwordHash?: string;
}

export interface UserRepository {
  /** Throws `OST_CONFLICT` when the username is taken. */
  create(user: NewUser): Promise<UserRecord>;
  get(id: string): Promise<UserRecord | null>;
  getByUsername(username: string): Promise<UserRecord | null>;
  list(page?: Page): Promise<PageOf<UserRecord>>;
  update(id: string, changes: UserChanges): Promise<UserRecord>;
  count(): Promise<number>;
}

export interface SessionRecord {
  readonly id: string;
  readonly userId: string;
  /** SHA-256 (hex) of the session id sent in the cookie. */
  readonly tokenHash: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly sourceAddress: string | null;
}

export interface SessionRepository {
  create(session: Omit<SessionRecord, 'id' | 'createdAt'>): Promise<SessionRecord>;
  findByTokenHash(tokenHash: string): Promise<SessionRecord | null>;
  delete(id: string): Promise<void>;
  /** Ends every session of a user (password change, disable). */
  deleteForUser(userId: string): Promise<number>;
  deleteExpired(now: number): Promise<number>;
}

export interface ApiTokenRecord {
  readonly id: string;
  readonly userId: string;
  readonly name: string;
  /** SHA-256 (hex) of the token. */
  readonly tokenHash: string;
  /** The token's scope: a subset of its user's permissions. */
  readonly permissions: readonly string[];
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly revokedAt: number | null;
  readonly lastUsedAt: number | null;
}

export interface NewApiToken {
  readonly userId: string;
  readonly name: string;
  readonly tokenHash: string;
  readonly permissions: readonly string[];
  readonly expiresAt: number;
}

export interface ApiTokenRepository {
  create(token: NewApiToken): Promise<ApiTokenRecord>;
  get(id: string): Promise<ApiTokenRecord | null>;
  findByTokenHash(tokenHash: string): Promise<ApiTokenRecord | null>;
  /** Newest first; every user's when `userId` is absent. */
  list(filter: { readonly userId?: string }, page?: Page): Promise<PageOf<ApiTokenRecord>>;
  /** Sets `revokedAt` once; revoking again keeps the first time. */
  revoke(id: string, at: number): Promise<ApiTokenRecord>;
  markUsed(id: string, at: number): Promise<void>;
}

/** A failed-login counter, keyed `user:<name>` or `addr:<address>`. */
export interface LoginFailureRecord {
  readonly key: string;
  readonly failures: number;
  readonly firstFailureAt: number;
  readonly lastFailureAt: number;
  readonly lockedUntil: number | null;
}

export interface LoginFailureRepository {
  get(keys: readonly string[]): Promise<readonly LoginFailureRecord[]>;
  /**
   * Read-modify-write of one counter, serialized against other writers of the same key
   * (across processes), so concurrent failures are all counted.
   */
  recordFailure(key: string, next: (current: LoginFailureRecord | null) => LoginFailureRecord): Promise<LoginFailureRecord>;
  clear(key: string): Promise<void>;
}

/** An audit event as stored; `hash` covers `prevHash` and every other field (see src/audit). */
export interface AuditEventRecord {
  /** Dense, from 1: a missing row shows as a gap. */
  readonly seq: number;
  readonly id: string;
  /** Epoch ms. */
  readonly at: number;
  readonly actor: string;
  readonly actorName: string | null;
  readonly action: string;
  readonly objectType: string | null;
  readonly objectId: string | null;
  readonly reason: string | null;
  /** JSON object; never holds a secret. */
  readonly changes: Readonly<Record<string, unknown>>;
  readonly sourceAddress: string | null;
  readonly prevHash: string;
  readonly hash: string;
}

export interface AuditHead {
  /** 0 before the first event. */
  readonly seq: number;
  /** All zeros before the first event. */
  readonly hash: string;
  /** The last outbox `seq` the audit projector turned into events; 0 at first. */
  readonly outboxSeq: number;
}

export interface AuditAppendPlan {
  /** Already linked to the head the plan was given. */
  readonly events: readonly AuditEventRecord[];
  /** The projector's new outbox position, when the plan consumed outbox events. */
  readonly outboxSeq?: number;
}

export interface AuditEventFilter {
  readonly actor?: string;
  readonly action?: string;
  readonly objectType?: string;
  readonly objectId?: string;
  /** Epoch ms, inclusive. */
  readonly from?: number;
  /** Epoch ms, exclusive. */
  readonly to?: number;
}

/**
 * The audit log. Appends are serialized across processes: each runs in one write transaction
 * that first locks the head row (PostgreSQL: the row lock; SQLite: the write lock taken at
 * BEGIN), so two nodes never link to the same head.
 */
export interface AuditRepository {
  /** In one serialized transaction: reads the head, calls `plan(head)`, stores its events and moves the head. */
  append(plan: (head: AuditHead) => AuditAppendPlan): Promise<readonly AuditEventRecord[]>;
  /**
   * Like {@link append}, also handing `plan` the outbox events after the projector's position
   * (at most `limit`, oldest first), so projecting them and moving the position are atomic.
   */
  appendFromOutbox(
    limit: number,
    plan: (head: AuditHead, outbox: readonly OutboxEvent[]) => AuditAppendPlan,
  ): Promise<readonly AuditEventRecord[]>;
  head(): Promise<AuditHead>;
  /** Events with `seq > afterSeq`, in `seq` order, exactly as stored (for verification). */
  readAfter(afterSeq: number, limit: number): Promise<readonly AuditEventRecord[]>;
  /** Newest first, filtered. */
  query(filter: AuditEventFilter, page?: Page): Promise<PageOf<AuditEventRecord>>;
}
