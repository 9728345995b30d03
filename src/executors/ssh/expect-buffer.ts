import { AnsiFilter } from './ansi-filter.js';

/** Limits of an {@link ExpectBuffer}. */
export interface ExpectBufferOptions {
  /**
   * Unconsumed output kept for matching; older output is dropped, so a command that prints
   * without end cannot exhaust memory or make each match scan more and more text.
   * @defaultValue 1048576 characters
   */
  readonly maxChars?: number;
  /** Output kept for error messages. @defaultValue 500 characters */
  readonly tailChars?: number;
}

/** No match arrived in time. */
export class ExpectTimeoutError extends Error {
  override readonly name = 'ExpectTimeoutError';
}

/**
 * The output of an interactive session as `expect` sees it: escape sequences removed,
 * output up to the end of each match consumed, and the output since the last send kept for
 * `no-expect`. Purely in memory: the session pushes what it receives.
 */
export class ExpectBuffer {
  readonly #ansi = new AnsiFilter();
  readonly #maxChars: number;
  readonly #tailChars: number;
  #unconsumed = '';
  #sinceSend = '';
  #tail = '';
  #closed: Error | null = null;
  #waiter: Waiter | null = null;

  constructor(options: ExpectBufferOptions = {}) {
    this.#maxChars = options.maxChars ?? 1_048_576;
    this.#tailChars = options.tailChars ?? 500;
  }

  /** Adds received text; returns it without escape sequences (what a transcript should show). */
  push(chunk: string): string {
    const text = this.#ansi.push(chunk);
    if (!text) return text;
    this.#unconsumed = keepLast(this.#unconsumed + text, this.#maxChars);
    this.#sinceSend = keepLast(this.#sinceSend + text, this.#maxChars);
    this.#tail = keepLast(this.#tail + text, this.#tailChars);
    this.#settleWaiter();
    return text;
  }

  /** Text was sent: `no-expect` now looks only at output received after this point. */
  markSent(): void {
    this.#sinceSend = '';
  }

  /** On a match in unconsumed output, consumes up to its end and returns the matched text. */
  take(pattern: RegExp): string | null {
    const match = pattern.exec(this.#unconsumed);
    if (!match) return null;
    this.#unconsumed = this.#unconsumed.slice(match.index + match[0].length);
    return match[0];
  }

  /** Whether output received since the last send (consumed or not) contains the pattern. */
  seenSinceSend(pattern: RegExp): boolean {
    return pattern.test(this.#sinceSend);
  }

  /** The last characters received, for error messages (not redacted: callers redact). */
  tail(): string {
    return this.#tail;
  }

  /**
   * Resolves with the matched text once unconsumed output matches, consuming it; rejects
   * with {@link ExpectTimeoutError} after `timeoutMs`, or with the error given to {@link close}.
   */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<string> {
    if (this.#waiter) return Promise.reject(new Error('ExpectBuffer: one wait at a time'));
    const matched = this.take(pattern);
    if (matched !== null) return Promise.resolve(matched);
    if (this.#closed) return Promise.reject(this.#closed);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.#finish((waiter) => waiter.reject(new ExpectTimeoutError(`no match within ${timeoutMs} ms`))), timeoutMs);
      this.#waiter = { pattern, resolve, reject, timer };
    });
  }

  /** No more output will come (session closed, cancelled): a pending wait fails with `reason`. */
  close(reason: Error): void {
    this.#closed ??= reason;
    this.#finish((waiter) => waiter.reject(reason));
  }

  #settleWaiter(): void {
    const waiter = this.#waiter;
    if (!waiter) return;
    const matched = this.take(waiter.pattern);
    if (matched !== null) this.#finish((current) => current.resolve(matched));
  }

  #finish(settle: (waiter: Waiter) => void): void {
    const waiter = this.#waiter;
    if (!waiter) return;
    this.#waiter = null;
    clearTimeout(waiter.timer);
    settle(waiter);
  }
}

interface Waiter {
  readonly pattern: RegExp;
  readonly resolve: (matched: string) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

function keepLast(text: string, max: number): string {
  return text.length > max ? text.slice(text.length - max) : text;
}
