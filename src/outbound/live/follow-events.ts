import { setTimeout as sleep } from 'node:timers/promises';
import type { OutboxEvent } from '../../domain/index.js';
import type { Store } from '../../store/store.js';
import type { EventFilter } from '../event-filter.js';

export interface FollowEventsOptions {
  /** Start after this outbox seq; `null` starts at the current head (only new events). @defaultValue null */
  readonly afterSeq?: number | null;
  readonly filter?: EventFilter;
  /** @defaultValue 250 */
  readonly intervalMs?: number;
  readonly signal?: AbortSignal;
  /** Events read per poll. @defaultValue 200 */
  readonly batchSize?: number;
  /** Keep waiting for new events; `false` stops once caught up. @defaultValue true */
  readonly follow?: boolean;
}

/** Follows the outbox: yields events in seq order as they are committed, until the signal aborts. */
export async function* followEvents(store: Store, options: FollowEventsOptions = {}): AsyncGenerator<OutboxEvent> {
  let cursor = options.afterSeq ?? (await store.outbox.head());
  while (!options.signal?.aborted) {
    const batch = await store.outbox.read(cursor, options.batchSize ?? 200);
    for (const event of batch) {
      cursor = event.seq;
      if (!options.filter || options.filter(event.type)) yield event;
    }
    if (batch.length < (options.batchSize ?? 200)) {
      if (options.follow === false) return;
      await sleep(options.intervalMs ?? 250, undefined, { signal: options.signal }).catch(() => undefined);
    }
  }
}
