/**
 * Runs an async task every `intervalMs`, never two at once: the next run is scheduled only
 * after the previous one settled, so a slow database cannot pile up overlapping calls.
 */
export class RepeatingTask {
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #stopped = true;

  constructor(
    private readonly intervalMs: number,
    private readonly task: () => Promise<void>,
  ) {}

  start(): void {
    this.#stopped = false;
    this.#schedule();
  }

  /** Stops scheduling and waits for a run in progress to settle. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running;
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => void this.#tick(), this.intervalMs);
  }

  async #tick(): Promise<void> {
    this.#timer = null;
    this.#running = this.task().catch(() => undefined);
    await this.#running;
    this.#running = null;
    this.#schedule();
  }
}
