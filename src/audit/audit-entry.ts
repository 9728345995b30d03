/** One thing that happened, as a caller describes it; the trail adds seq, id, time and hashes. */
export interface AuditEntry {
  readonly actor: string;
  readonly actorName?: string | null;
  readonly action: string;
  readonly objectType?: string | null;
  readonly objectId?: string | null;
  readonly reason?: string | null;
  /** Secrets are replaced by `"[set]"` whatever the caller passes. */
  readonly changes?: Readonly<Record<string, unknown>>;
  readonly sourceAddress?: string | null;
}
