import { newId } from '../domain/index.js';
import type { OutboxEvent } from '../domain/index.js';
import type { AuditAppendPlan, AuditHead, AuditRepository } from '../store/access-store.js';
import type { CheckpointStorage } from './audit-checkpoint.js';
import { chainEvent } from './audit-hash.js';
import type { AuditEventContent, ChainedAuditEvent } from './audit-hash.js';
import type { AuditEntry } from './audit-entry.js';
import { changesWithoutSecrets } from './changes-without-secrets.js';
import { verifyChain } from './chain-verifier.js';
import { CheckpointKeeper } from './checkpoint-keeper.js';
import type { ChainVerification } from './chain-verifier.js';
import { outboxToAudit, projectableOutbox } from './outbox-projection.js';

export interface AuditTrailOptions {
  readonly log: AuditRepository;
  /** Where the signed head lives, beside the vault key. */
  readonly checkpoint: CheckpointStorage;
  /** HMAC key of the checkpoint. */
  readonly checkpointKey: Buffer;
  /** @defaultValue `Date.now` */
  readonly now?: () => number;
  /** Outbox events read per projection step. @defaultValue 500 */
  readonly projectionBatch?: number;
  /** How long a gap in outbox `seq` may be waited for before it is skipped. @defaultValue 10000 */
  readonly outboxGapWaitMs?: number;
  /** Told when the checkpoint cannot move because the chain does not match it. @defaultValue `console.error` */
  readonly onAlarm?: (message: string) => void;
}

const VERIFY_PAGE = 1000;

/**
 * The tamper-evident audit trail: appends hash-chained events, projects outbox events into
 * the chain, keeps the signed checkpoint current, and verifies the whole chain.
 */
export class AuditTrail {
  readonly #options: AuditTrailOptions;
  readonly #now: () => number;
  readonly #checkpoint: CheckpointKeeper;

  constructor(options: AuditTrailOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#checkpoint = new CheckpointKeeper({
      storage: options.checkpoint,
      key: options.checkpointKey,
      log: options.log,
      now: this.#now,
      onAlarm: options.onAlarm ?? ((message) => console.error(message)),
    });
  }

  /** Appends one event and returns it as stored. */
  async record(entry: AuditEntry): Promise<ChainedAuditEvent> {
    const at = this.#now();
    const stored = await this.#options.log.append((head) => ({ events: [chainEvent(head.hash, contentOf(entry, head.seq + 1, at))] }));
    await this.#checkpointAfter(stored);
    const event = stored[0];
    if (event === undefined) throw new Error('audit append stored nothing');
    return event;
  }

  /** Turns pending outbox events into audit events; returns how many it appended. */
  async projectOutbox(): Promise<number> {
    const gapWaitMs = this.#options.outboxGapWaitMs ?? 10_000;
    const now = this.#now();
    const stored = await this.#options.log.appendFromOutbox(this.#options.projectionBatch ?? 500, (head, outbox) =>
      planProjection(head, projectableOutbox(head.outboxSeq, outbox, now, gapWaitMs)),
    );
    await this.#checkpointAfter(stored);
    return stored.length;
  }

  /** Projects until the outbox is drained (bounded, so a flood cannot pin the caller). */
  async projectAll(maxRounds = 100): Promise<number> {
    let total = 0;
    for (let round = 0; round < maxRounds; round += 1) {
      const appended = await this.projectOutbox();
      total += appended;
      if (appended === 0) break;
    }
    return total;
  }

  async verify(): Promise<ChainVerification> {
    return verifyChain(this.#allEvents(), await this.#checkpoint.read());
  }

  async *#allEvents(): AsyncGenerator<ChainedAuditEvent> {
    let after = 0;
    for (;;) {
      const page = await this.#options.log.readAfter(after, VERIFY_PAGE);
      yield* page;
      const last = page.at(-1);
      if (last === undefined || page.length < VERIFY_PAGE) return;
      after = last.seq;
    }
  }

  async #checkpointAfter(stored: readonly ChainedAuditEvent[]): Promise<void> {
    const last = stored.at(-1);
    if (last !== undefined) await this.#checkpoint.advance(last);
  }
}

function contentOf(entry: AuditEntry, seq: number, at: number): AuditEventContent {
  return {
    seq,
    id: newId(),
    at,
    actor: entry.actor,
    actorName: entry.actorName ?? null,
    action: entry.action,
    objectType: entry.objectType ?? null,
    objectId: entry.objectId ?? null,
    reason: entry.reason ?? null,
    changes: changesWithoutSecrets(entry.changes ?? {}),
    sourceAddress: entry.sourceAddress ?? null,
  };
}

function planProjection(head: AuditHead, outbox: readonly OutboxEvent[]): AuditAppendPlan {
  const last = outbox.at(-1);
  if (last === undefined) return { events: [] };
  let prev = { seq: head.seq, hash: head.hash };
  const events = outbox.map((event) => {
    const chained = chainEvent(prev.hash, contentOf(outboxToAudit(event), prev.seq + 1, event.createdAt));
    prev = chained;
    return chained;
  });
  return { events, outboxSeq: last.seq };
}
