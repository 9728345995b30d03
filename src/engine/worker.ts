import type { Claim, ClaimRequest } from '../store/store.js';
import type { AttemptRunnerDeps } from './attempt-runner.js';
import { AttemptRunner } from './attempt-runner.js';
import type { ClaimRefill } from './completion-batcher.js';

/**
 * The claim loop of one engine. It claims while fewer than `concurrency` attempts run, is
 * woken by the store's work signals and by every attempt that ends, and polls every
 * `pollMs` as a fallback (a retry whose time has come sends no signal). A busy worker mostly
 * claims through its reports instead: each batch of reports claims the work that takes the
 * reported attempts' places in the same transaction ({@link ClaimRefill}).
 *
 * Slots: attempts running plus slots reserved by claims in flight never exceed `concurrency`.
 */
export class Worker implements ClaimRefill {
  readonly #running = new Map<string, { runner: AttemptRunner; done: Promise<void> }>();
  /** Slots promised to claims in flight (the claim loop's, or a report batch's). */
  #reserved = 0;
  #filling: Promise<void> | null = null;
  #wokenWhileFilling = false;
  #stopped = true;
  #poll: NodeJS.Timeout | null = null;

  constructor(private readonly deps: AttemptRunnerDeps) {
    deps.completions.refillWith(this);
  }

  /** Attempts running now. */
  get busy(): number {
    return this.#running.size;
  }

  start(): void {
    this.#stopped = false;
    this.#poll = setInterval(() => this.wake(), this.deps.settings.pollMs);
    this.wake();
  }

  /** Claims due work now, up to the concurrency limit. Safe to call at any time, as often as wanted. */
  wake(): void {
    if (this.#stopped) return;
    if (this.#filling) {
      this.#wokenWhileFilling = true;
      return;
    }
    this.#filling = this.#fill().finally(() => (this.#filling = null));
  }

  /**
   * Stops claiming and waits up to `drainMs` for running attempts; attempts still running
   * then are stopped and handed back to the queue, waiting at most `stopGraceMs` more.
   */
  async stop(drainMs: number): Promise<void> {
    this.#stopped = true;
    if (this.#poll) clearInterval(this.#poll);
    this.#poll = null;
    await this.#filling;
    if (await this.#allDoneWithin(drainMs)) return;
    for (const { runner } of this.#running.values()) runner.shutdown();
    await this.#allDoneWithin(this.deps.settings.stopGraceMs + 1_000);
  }

  async #fill(): Promise<void> {
    try {
      do {
        this.#wokenWhileFilling = false;
        await this.#claimWhileRoom();
      } while (this.#wokenWhileFilling && !this.#stopped);
    } catch (error) {
      this.deps.logger.warn({ error: String(error) }, 'claiming work failed; retrying at the next poll');
    }
  }

  /** Claims every free slot at once: one transaction per batch, not per operation. */
  async #claimWhileRoom(): Promise<void> {
    for (;;) {
      const room = this.#free(0);
      if (this.#stopped || room === 0) return;
      this.#reserved += room;
      let claims: readonly Claim[] = [];
      try {
        claims = await this.deps.store.operations.claimMany(this.#request(), room);
      } finally {
        this.adopt(claims, room);
      }
      if (claims.length === 0) return;
    }
  }

  reserve(finishing: number): { request: ClaimRequest; max: number } | null {
    if (this.#stopped) return null;
    const max = this.#free(finishing);
    this.#reserved += max;
    return { request: this.#request(), max };
  }

  running(): number {
    return this.#running.size;
  }

  adopt(claims: readonly Claim[], reserved: number): void {
    this.#reserved -= reserved;
    // Claimed while stopping: they run anyway, and stop() waits for them like any other.
    for (const claim of claims) this.#launch(new AttemptRunner(this.deps, claim), claim.attempt.id);
  }

  /** Slots neither running nor reserved, counting `finishing` running attempts as already ended. */
  #free(finishing: number): number {
    return Math.max(0, this.deps.settings.concurrency - (this.#running.size - finishing) - this.#reserved);
  }

  #request(): ClaimRequest {
    const { settings, executors } = this.deps;
    return { workerId: settings.workerId, leaseMs: settings.leaseMs, perDeviceLimit: settings.perDeviceLimit, executors: executors.names() };
  }

  #launch(runner: AttemptRunner, attemptId: string): void {
    const done = runner
      .run()
      .catch((error: unknown) => this.deps.logger.error({ attemptId, error: String(error) }, 'attempt runner failed'))
      .finally(() => {
        this.#running.delete(attemptId);
        this.wake();
      });
    this.#running.set(attemptId, { runner, done });
  }

  async #allDoneWithin(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    const all = Promise.all([...this.#running.values()].map(({ done }) => done)).then(() => true);
    try {
      return await Promise.race([all, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
