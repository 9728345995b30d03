/** A fact that left a transaction, to be delivered to audit, SIEM and webhooks. */
export interface OutboxEvent {
  /** Monotonic per database: the delivery order. */
  readonly seq: number;
  /** e.g. `operation.scheduled`, `operation.succeeded`, `credential.rotated`. */
  readonly type: string;
  readonly subjectId: string;
  /** Never holds a secret. */
  readonly payload: Readonly<Record<string, unknown>>;
  readonly createdAt: number;
}
