import type { AuditRepository } from '../store/access-store.js';
import { readCheckpoint, signCheckpoint } from './audit-checkpoint.js';
import type { CheckpointReading, CheckpointStorage } from './audit-checkpoint.js';
import { walkLinks } from './chain-verifier.js';
import type { ChainedAuditEvent } from './audit-hash.js';

export interface CheckpointKeeperOptions {
  readonly storage: CheckpointStorage;
  readonly key: Buffer;
  readonly log: Pick<AuditRepository, 'readAfter'>;
  readonly now: () => number;
  /** Told when the checkpoint is held back because the chain no longer matches it. */
  readonly onAlarm: (message: string) => void;
}

const PAGE = 1000;

/**
 * Moves the signed checkpoint forward after appends — but only along the chain it already
 * vouches for. If the event it names is gone or different (the tail was cut and new events
 * appended in its place), or the file is not ours, the checkpoint is left as it is, so
 * `audit verify` keeps reporting the break instead of the checkpoint blessing it.
 */
export class CheckpointKeeper {
  readonly #options: CheckpointKeeperOptions;
  // Serializes this process's updates; other processes on the machine may still race, which
  // can only leave an older (still valid) checkpoint.
  #queue: Promise<void> = Promise.resolve();

  constructor(options: CheckpointKeeperOptions) {
    this.#options = options;
  }

  async read(): Promise<CheckpointReading> {
    return readCheckpoint(this.#options.key, await this.#options.storage.read());
  }

  advance(head: { readonly seq: number; readonly hash: string }): Promise<void> {
    const next = this.#queue.then(() => this.#advance(head));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #advance(head: { readonly seq: number; readonly hash: string }): Promise<void> {
    const current = await this.read();
    if (current.state === 'invalid') return this.#options.onAlarm(`audit checkpoint not advanced: ${current.message}`);
    if (current.state === 'valid') {
      if (current.checkpoint.seq >= head.seq) return;
      if (!(await this.#stillInChain(current.checkpoint))) {
        return this.#options.onAlarm(`audit checkpoint not advanced: event ${current.checkpoint.seq} no longer matches it; run \`ostiary audit verify\``);
      }
    } else if (!(await this.#chainIntact(head.seq))) {
      return this.#options.onAlarm('audit checkpoint not created: the chain does not verify; run `ostiary audit verify`');
    }
    await this.#options.storage.write(`${JSON.stringify(signCheckpoint(this.#options.key, { ...head, at: this.#options.now() }))}\n`);
  }

  async #stillInChain(checkpoint: { readonly seq: number; readonly hash: string }): Promise<boolean> {
    if (checkpoint.seq === 0) return true;
    const [event] = await this.#options.log.readAfter(checkpoint.seq - 1, 1);
    return event?.seq === checkpoint.seq && event.hash === checkpoint.hash;
  }

  /** The first checkpoint anchors the chain as it is: only after the whole chain verifies. */
  async #chainIntact(upTo: number): Promise<boolean> {
    const walk = await walkLinks(this.#events(upTo));
    return walk.broken === null && walk.head?.seq === upTo;
  }

  async *#events(upTo: number): AsyncGenerator<ChainedAuditEvent> {
    for (let after = 0; after < upTo; ) {
      const page = await this.#options.log.readAfter(after, Math.min(PAGE, upTo - after));
      yield* page;
      const last = page.at(-1);
      if (last === undefined) return;
      after = last.seq;
    }
  }
}
