/**
 * Why the engine stopped an attempt before the executor finished:
 * - `cancelled` — a user asked for it (seen on a progress check);
 * - `timeout` — the whole-operation limit (`operation.timeouts.totalMs`) ran out;
 * - `lease-lost` — another node recovered the operation; this worker must not report it;
 * - `shutdown` — the engine is stopping and its drain time ran out.
 */
export type StopReason = 'cancelled' | 'timeout' | 'lease-lost' | 'shutdown';

/** The abort switch of one attempt: the first reason given wins. */
export class AttemptControl {
  readonly #controller = new AbortController();
  #reason: StopReason | null = null;

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** `null` while the attempt has not been told to stop. */
  get reason(): StopReason | null {
    return this.#reason;
  }

  stop(reason: StopReason): void {
    if (this.#reason !== null) return;
    this.#reason = reason;
    this.#controller.abort(reason);
  }
}
