/**
 * Outbound integration (DESIGN.md §7, §8): the outbox delivered to syslog/SIEM receivers
 * (RFC 5424, CEF; UDP, TCP, TLS) and signed webhooks, at least once and in order per sink;
 * live streams of transcripts and events; Prometheus metrics. docs/integrations.md explains
 * the settings, the message formats and how a receiver verifies a webhook.
 *
 * Glossary: a *sink* is one destination; its *cursor* is the last outbox seq it was handed;
 * its *lease* lets one node at a time deliver it; *lag* is how far the outbox is ahead.
 */
export { DeliveryLoop, storeAuditHead, type DeliveryLoopOptions } from './delivery/delivery-loop.js';
export { defaultSinkFactory, type SecretOpener, type SinkFactory } from './delivery/sink-factory.js';
export { DEFAULT_BACKOFF, type BackoffPolicy } from './delivery/backoff.js';
export { CONFIG_FILE_ACTOR, readConfiguredSinks, syncConfiguredSinks, type SinkDefinition, type SyncSummary } from './configured-sinks.js';
export { parseSinkSettings, type SinkSettings, type SyslogSettings, type WebhookSettings } from './sink-settings.js';
export { eventDocument, type AuditChainHead, type OutboundEvent } from './outbound-event.js';
export { eventFilter } from './event-filter.js';
export {
  DEFAULT_TOLERANCE_SECONDS,
  SIGNATURE_HEADER,
  signatureHeader,
  verifyWebhookSignature,
  webhookSignature,
  type VerifyOptions,
  type VerifyResult,
} from './webhook/webhook-signature.js';
export { OstiaryMetrics, type OstiaryMetricsOptions, type RotationOutcome } from './metrics/ostiary-metrics.js';
export { instrumentStore } from './metrics/instrumented-store.js';
export { installHttpMetrics, metricsRoute } from './metrics/http-metrics.js';
export { followTranscript, FINISHED_STATUSES, type TranscriptUpdate } from './live/follow-transcript.js';
export { followEvents } from './live/follow-events.js';
export { sseFrame, streamSse, type SseMessage } from './live/server-sent-events.js';
export { startOutbound, type OutboundRuntimeOptions, type RunningOutbound } from './outbound-runtime.js';
