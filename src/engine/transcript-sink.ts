import type { TranscriptWriter } from '../executors/executor.js';
import type { StreamingRedactor } from '../vault/redactor.js';

/** Where the redacted transcript goes: the store's `appendTranscript` for one attempt. */
export type TranscriptAppender = (text: string) => Promise<void>;

/**
 * The transcript writer handed to an executor. Every chunk goes through the streaming
 * redactor first, so a secret split across chunks is still caught, then waits in a buffer
 * that {@link TranscriptSink.flush} appends to the store. Appends run one after another,
 * so the stored text keeps the order it was written in.
 */
export class TranscriptSink implements TranscriptWriter {
  #pending = '';
  #chain: Promise<void> = Promise.resolve();

  constructor(
    private redactor: StreamingRedactor,
    private readonly append: TranscriptAppender,
    private readonly onAppendError: (error: unknown) => void,
  ) {}

  write(text: string): void {
    this.#pending += this.redactor.push(text);
  }

  /**
   * Switches to a redactor that knows more secrets (a pending one stored during the attempt).
   * The old stream's held-back tail is released first, redacted by the old redactor.
   */
  useRedactor(next: StreamingRedactor): void {
    this.#pending += this.redactor.flush();
    this.redactor = next;
  }

  /** Stores what was written so far (except the tail the redactor still holds back). */
  flush(): Promise<void> {
    const text = this.#pending;
    this.#pending = '';
    if (text.length > 0) this.#chain = this.#chain.then(() => this.append(text)).catch(this.onAppendError);
    return this.#chain;
  }

  /** Waits for appends in flight and returns everything not stored yet, the redactor's tail included. */
  async drain(): Promise<string> {
    await this.#chain;
    const rest = this.#pending + this.redactor.flush();
    this.#pending = '';
    return rest;
  }
}
