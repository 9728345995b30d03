import { hostname } from 'node:os';
import { eventFilter, type EventFilter } from '../event-filter.js';
import type { OutboundEvent } from '../outbound-event.js';
import type { SyslogSettings } from '../sink-settings.js';
import { describeError, type DeliveryResult, type OutboundSink } from '../delivery/outbound-sink.js';
import { StreamTransport } from './stream-transport.js';
import { syslogMessage, type SyslogMessageSettings } from './syslog-message.js';
import { FACILITIES, severityResolver } from './syslog-severity.js';
import type { SyslogTransport } from './syslog-transport.js';
import { UdpTransport } from './udp-transport.js';

/** A batch that went out, remembered until it is old enough to be trusted. */
interface SentBatch {
  readonly firstSeq: number;
  readonly at: number;
  /** `transport.breaks` when it was sent. */
  readonly connection: number;
}

/**
 * Events as RFC 5424 messages (or CEF inside them) to a syslog receiver. TCP and TLS give no
 * receipt, so a batch written shortly before the connection broke is in doubt: the sink asks
 * for it again ({@link takeRewind}) and the receiver may see it twice — at least once, never lost.
 */
export class SyslogSink implements OutboundSink {
  readonly #transport: SyslogTransport;
  readonly #message: SyslogMessageSettings;
  readonly #filter: EventFilter;
  readonly #resendWindowMs: number;
  #sent: SentBatch[] = [];

  constructor(settings: SyslogSettings, transport: SyslogTransport = transportFor(settings)) {
    this.#transport = transport;
    this.#filter = eventFilter(settings.events);
    this.#resendWindowMs = settings.resendWindowMs;
    this.#message = Object.freeze({
      format: settings.format,
      facility: FACILITIES[settings.facility],
      hostname: settings.hostname ?? hostname(),
      procId: String(process.pid),
      enterpriseId: settings.enterpriseId,
      severityOf: severityResolver(settings.severities),
    });
  }

  accepts(type: string): boolean {
    return this.#filter(type);
  }

  async deliver(events: readonly OutboundEvent[], attempt: number): Promise<DeliveryResult> {
    const first = events[0];
    const last = events.at(-1);
    if (!first || !last) return { deliveredThrough: null, sent: 0, log: [], error: null };
    const range = { firstSeq: first.event.seq, lastSeq: last.event.seq, attempt };
    try {
      await this.#transport.send(events.map((event) => syslogMessage(event, this.#message)));
    } catch (error) {
      const message = describeError(error);
      return { deliveredThrough: null, sent: 0, log: [{ ...range, ok: false, error: message }], error: message };
    }
    this.#remember({ firstSeq: first.event.seq, at: Date.now(), connection: this.#transport.breaks });
    return { deliveredThrough: last.event.seq, sent: events.length, log: [{ ...range, ok: true }], error: null };
  }

  takeRewind(): number | null {
    const breaks = this.#transport.breaks;
    const doubtFrom = this.#transport.lastBreakAt - this.#resendWindowMs;
    const inDoubt = this.#sent.filter((batch) => batch.connection < breaks && batch.at >= doubtFrom);
    this.#sent = this.#sent.filter((batch) => batch.connection === breaks);
    return inDoubt.length === 0 ? null : Math.min(...inDoubt.map((batch) => batch.firstSeq));
  }

  close(): Promise<void> {
    return this.#transport.close();
  }

  #remember(batch: SentBatch): void {
    const horizon = batch.at - this.#resendWindowMs;
    this.#sent = [...this.#sent.filter((b) => b.at >= horizon), batch];
  }
}

function transportFor(settings: SyslogSettings): SyslogTransport {
  if (settings.transport === 'udp') return new UdpTransport(settings.host, settings.port);
  const tls = settings.transport === 'tls' ? (settings.tls ?? {}) : null;
  return new StreamTransport({ host: settings.host, port: settings.port, timeoutMs: settings.timeoutMs, tls });
}
