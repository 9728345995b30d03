import type { ChainedAuditEvent } from '../../src/audit/audit-hash.js';
import { GENESIS_HASH } from '../../src/audit/audit-hash.js';
import type { OutboxEvent } from '../../src/domain/index.js';
import type { AuditHead, AuditRepository } from '../../src/store/access-store.js';

/**
 * An in-memory AuditRepository for the pure unit tests of the chain logic. The real ones (SQLite,
 * PostgreSQL) are tested in test/store/audit-repository.test.ts.
 */
export class MemoryAuditLog implements AuditRepository {
  rows: ChainedAuditEvent[] = [];
  outbox: OutboxEvent[] = [];
  outboxSeq = 0;

  async head(): Promise<AuditHead> {
    const last = this.rows.at(-1);
    return { seq: last?.seq ?? 0, hash: last?.hash ?? GENESIS_HASH, outboxSeq: this.outboxSeq };
  }

  async append(plan: (head: AuditHead) => { events: readonly ChainedAuditEvent[] }): Promise<readonly ChainedAuditEvent[]> {
    const { events } = plan(await this.head());
    this.rows.push(...events);
    return events;
  }

  async appendFromOutbox(
    limit: number,
    plan: (head: AuditHead, outbox: readonly OutboxEvent[]) => { events: readonly ChainedAuditEvent[]; outboxSeq?: number },
  ): Promise<readonly ChainedAuditEvent[]> {
    const pending = this.outbox.filter((event) => event.seq > this.outboxSeq).slice(0, limit);
    const result = plan(await this.head(), pending);
    this.rows.push(...result.events);
    if (result.outboxSeq !== undefined) this.outboxSeq = result.outboxSeq;
    return result.events;
  }

  async readAfter(afterSeq: number, limit: number): Promise<readonly ChainedAuditEvent[]> {
    return [...this.rows].sort((a, b) => a.seq - b.seq).filter((row) => row.seq > afterSeq).slice(0, limit);
  }

  async query(): Promise<{ items: readonly ChainedAuditEvent[]; next: string | null }> {
    return { items: [...this.rows].reverse(), next: null };
  }
}
