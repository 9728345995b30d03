import type { SealedSecret } from '../domain/index.js';

/**
 * The store's side of outbound delivery (DESIGN.md §7, migration 0005): sinks (where outbox
 * events go: syslog receivers, webhooks), each sink's cursor into the outbox with the lease
 * that lets one node deliver it at a time, and a short log of delivery attempts. The rules
 * (formats, retries, backoff) live in `src/outbound`; the store keeps the records.
 *
 * Glossary: a *cursor* is the last outbox `seq` a sink has been handed; *lag* is how far the
 * outbox head is past it; the *lease* names the one delivery loop that may move the cursor.
 */

export const SINK_KINDS = ['syslog', 'webhook'] as const;
export type SinkKind = (typeof SINK_KINDS)[number];

/** `config`: defined in the config file and replaced from it at start; `api`: managed through the API. */
export type SinkManager = 'api' | 'config';

export interface SinkRecord {
  readonly id: string;
  /** Unique; how people and the config file name the sink. */
  readonly name: string;
  readonly kind: SinkKind;
  /** The sink's settings as validated by `src/outbound`; never a secret. */
  readonly config: Readonly<Record<string, unknown>>;
  /** The signing secret in the vault, when the sink has one. */
  readonly secretId: string | null;
  readonly enabled: boolean;
  readonly managedBy: SinkManager;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface NewSink {
  readonly name: string;
  readonly kind: SinkKind;
  readonly config: Readonly<Record<string, unknown>>;
  readonly secret?: SealedSecret | null;
  /** @defaultValue true */
  readonly enabled?: boolean;
  /** @defaultValue 'api' */
  readonly managedBy?: SinkManager;
  /** Where the cursor starts: after the current outbox head, or before the first event. @defaultValue 'now' */
  readonly startFrom?: 'now' | 'beginning';
  /** Who made the change, for the `sink.*` outbox event. */
  readonly actor: string;
}

export interface SinkChanges {
  readonly config?: Readonly<Record<string, unknown>>;
  /** A new signing secret; `null` removes it. */
  readonly secret?: SealedSecret | null;
  readonly enabled?: boolean;
  readonly actor: string;
}

/** Where a sink's delivery stands. */
export interface SinkState {
  readonly sinkId: string;
  readonly deliveredSeq: number;
  readonly deliveredAt: number | null;
  readonly deliveredCount: number;
  readonly failures: number;
  readonly totalFailures: number;
  /** Redacted of nothing: delivery errors never carry event or secret data. */
  readonly lastError: string | null;
  readonly lastErrorAt: number | null;
  readonly nextAttemptAt: number | null;
  readonly leaseOwner: string | null;
  readonly leaseExpiresAt: number | null;
  /** The newest outbox seq when the state was read. */
  readonly headSeq: number;
  /** `headSeq − deliveredSeq`: outbox events not yet handed to the sink (filtered ones included). */
  readonly lag: number;
}

/** One try at delivering events `firstSeq..lastSeq` (one webhook POST, or one syslog batch). */
export interface DeliveryReport {
  readonly firstSeq: number;
  readonly lastSeq: number;
  /** 1 for the first try of these events, then 2, 3, … */
  readonly attempt: number;
  readonly ok: boolean;
  /** The HTTP status of a webhook answer. */
  readonly statusCode?: number | null;
  readonly error?: string | null;
}

export interface SinkDelivery extends Required<DeliveryReport> {
  readonly id: number;
  readonly sinkId: string;
  readonly at: number;
}

export interface SinkFailure {
  readonly error: string;
  /** When the delivery loop will try again (epoch ms). */
  readonly nextAttemptAt: number;
  readonly log: readonly DeliveryReport[];
}

/** What the holder of a sink's lease needs to go on. */
export interface SinkLease {
  readonly deliveredSeq: number;
  /** Consecutive failures so far (the next try is attempt `failures + 1`). */
  readonly failures: number;
}

/**
 * Sinks and their delivery state. Changes to a sink append a `sink.created|updated|deleted`
 * outbox event (ids and field names only) in the same transaction, so they reach the audit chain.
 */
export interface SinkRepository {
  /** Throws `OST_CONFLICT` when the name is taken. */
  create(sink: NewSink): Promise<SinkRecord>;
  get(id: string): Promise<SinkRecord | null>;
  getByName(name: string): Promise<SinkRecord | null>;
  /** Every sink, by name. */
  list(): Promise<readonly SinkRecord[]>;
  update(id: string, changes: SinkChanges): Promise<SinkRecord>;
  delete(id: string, actor: string): Promise<void>;
  state(id: string): Promise<SinkState | null>;
  states(): Promise<readonly SinkState[]>;
  /** The newest delivery log entries, newest first. */
  deliveries(id: string, limit: number): Promise<readonly SinkDelivery[]>;
  /**
   * Takes or renews the sink's delivery lease for `ttlMs`; returns the cursor when `owner`
   * holds the lease, `null` when another live owner does.
   */
  acquireLease(sinkId: string, owner: string, ttlMs: number): Promise<SinkLease | null>;
  releaseLease(sinkId: string, owner: string): Promise<void>;
  /** Moves the cursor forward to `toSeq` and clears failures; `false` when `owner` lost the lease. */
  recordDelivered(sinkId: string, owner: string, toSeq: number, sent: number, log: readonly DeliveryReport[]): Promise<boolean>;
  /** Counts a failure; `false` when `owner` lost the lease. */
  recordFailure(sinkId: string, owner: string, failure: SinkFailure): Promise<boolean>;
  /** Moves the cursor back to `toSeq` (events that may not have arrived are sent again). */
  rewind(sinkId: string, owner: string, toSeq: number): Promise<boolean>;
}
