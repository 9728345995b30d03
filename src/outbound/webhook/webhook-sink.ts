import { eventFilter, type EventFilter } from '../event-filter.js';
import { eventDocument, type OutboundEvent } from '../outbound-event.js';
import type { WebhookSettings } from '../sink-settings.js';
import { describeError, type DeliveryResult, type OutboundSink } from '../delivery/outbound-sink.js';
import type { DeliveryReport } from '../../store/sink-store.js';
import { SIGNATURE_HEADER, signatureHeader } from './webhook-signature.js';

/** Headers every webhook request carries besides the signature. */
export const EVENT_TYPE_HEADER = 'ostiary-event';
export const EVENT_SEQ_HEADER = 'ostiary-event-seq';

/**
 * One signed JSON POST per event, in order. A 2xx answer delivers the event; anything else
 * (or no answer within the timeout) stops the batch, and the event is tried again later.
 * The receiver deduplicates by `seq` (also in the `Ostiary-Event-Seq` header): delivery is
 * at least once.
 */
export class WebhookSink implements OutboundSink {
  readonly #settings: WebhookSettings;
  readonly #secret: string;
  readonly #filter: EventFilter;

  constructor(settings: WebhookSettings, secret: string) {
    this.#settings = settings;
    this.#secret = secret;
    this.#filter = eventFilter(settings.events);
  }

  accepts(type: string): boolean {
    return this.#filter(type);
  }

  async deliver(events: readonly OutboundEvent[], attempt: number): Promise<DeliveryResult> {
    const log: DeliveryReport[] = [];
    let deliveredThrough: number | null = null;
    for (const [index, event] of events.entries()) {
      const report = await this.#post(event, index === 0 ? attempt : 1);
      log.push(report);
      if (!report.ok) return { deliveredThrough, sent: log.length - 1, log, error: report.error ?? 'failed' };
      deliveredThrough = event.event.seq;
    }
    return { deliveredThrough, sent: log.length, log, error: null };
  }

  takeRewind(): null {
    return null;
  }

  async close(): Promise<void> {}

  async #post(event: OutboundEvent, attempt: number): Promise<DeliveryReport> {
    const seq = event.event.seq;
    const body = JSON.stringify(eventDocument(event));
    const timestamp = Math.floor(Date.now() / 1000);
    try {
      const response = await fetch(this.#settings.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Ostiary-Webhook/1',
          [SIGNATURE_HEADER]: signatureHeader(this.#secret, timestamp, body),
          [EVENT_TYPE_HEADER]: event.event.type,
          [EVENT_SEQ_HEADER]: String(seq),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.#settings.timeoutMs),
      });
      // The answer's body is not read into anything: drain it so the connection can be reused.
      await response.arrayBuffer().catch(() => undefined);
      const ok = response.status >= 200 && response.status < 300;
      return { firstSeq: seq, lastSeq: seq, attempt, ok, statusCode: response.status, error: ok ? null : `HTTP ${response.status}` };
    } catch (error) {
      return { firstSeq: seq, lastSeq: seq, attempt, ok: false, statusCode: null, error: describeError(error) };
    }
  }
}
