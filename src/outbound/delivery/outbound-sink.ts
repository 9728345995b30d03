import type { DeliveryReport } from '../../store/sink-store.js';
import type { OutboundEvent } from '../outbound-event.js';

/** What one `deliver` call achieved. Events are taken in order: a failure stops the batch. */
export interface DeliveryResult {
  /** The last seq delivered, every earlier event of the batch with it; `null` when none was. */
  readonly deliveredThrough: number | null;
  /** Messages sent. */
  readonly sent: number;
  readonly log: readonly DeliveryReport[];
  /** Why delivery stopped early; never holds event data or a secret. */
  readonly error: string | null;
}

/** A place events go: a syslog receiver or a webhook URL. */
export interface OutboundSink {
  /** Does this sink want events of this type? (The cursor moves past the others.) */
  accepts(type: string): boolean;
  /**
   * Delivers the events in order. `attempt` is 1 for the first try of the first event,
   * higher when earlier tries failed.
   */
  deliver(events: readonly OutboundEvent[], attempt: number): Promise<DeliveryResult>;
  /**
   * After the connection recent events went out on broke, the seq to deliver again from
   * (the cursor moves back to just before it); `null` when nothing is in doubt.
   */
  takeRewind(): number | null;
  close(): Promise<void>;
}

/** Error text safe to store and show: the error's message, never its data. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  const message = code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
  // fetch() says only "fetch failed"; the reason (refused, reset, certificate) is its cause.
  return error.cause instanceof Error ? `${message} (${describeError(error.cause)})` : message;
}
