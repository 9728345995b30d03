import { createRequire } from 'node:module';
import { eventDocument, eventIds, type OutboundEvent } from '../outbound-event.js';
import { formatCef } from './cef-format.js';
import { formatRfc5424, type StructuredDataElement } from './rfc5424-format.js';
import { cefSeverity } from './syslog-severity.js';

/** What every message of one sink shares. */
export interface SyslogMessageSettings {
  readonly format: 'rfc5424' | 'cef';
  readonly facility: number;
  readonly hostname: string;
  /** @defaultValue 'ostiary' */
  readonly appName?: string;
  readonly procId: string;
  /** Private enterprise number in the SD-IDs (`ostiary@N`). 32473 is the number RFC 5612 reserves for documentation. */
  readonly enterpriseId: number;
  readonly severityOf: (type: string) => number;
}

const packageJson = createRequire(import.meta.url)('../../../package.json') as { version: string };
/** Ostiary's version, as CEF's Device Version. */
export const OSTIARY_VERSION: string = packageJson.version;

/** One event as an RFC 5424 message: ids in structured data, the event as JSON (or CEF) in MSG. */
export function syslogMessage(outbound: OutboundEvent, settings: SyslogMessageSettings): string {
  const severity = settings.severityOf(outbound.event.type);
  const isCef = settings.format === 'cef';
  return formatRfc5424({
    facility: settings.facility,
    severity,
    timestamp: outbound.event.createdAt,
    hostname: settings.hostname,
    appName: settings.appName ?? 'ostiary',
    procId: settings.procId,
    msgId: outbound.event.type,
    structuredData: structuredData(outbound, settings.enterpriseId),
    message: isCef ? cefMessage(outbound, severity) : asciiJson(eventDocument(outbound)),
    // CEF receivers look for `CEF:` at the start of MSG, so CEF goes as MSG-ANY without a BOM.
    utf8: false,
  });
}

function structuredData(outbound: OutboundEvent, enterpriseId: number): StructuredDataElement[] {
  const { event, auditHead } = outbound;
  const elements: StructuredDataElement[] = [
    {
      id: `ostiary@${enterpriseId}`,
      params: [['seq', String(event.seq)], ['type', event.type], ['subjectId', event.subjectId], ...eventIds(event)],
    },
  ];
  if (auditHead) elements.push({ id: `ostiaryAudit@${enterpriseId}`, params: [['seq', String(auditHead.seq)], ['hash', auditHead.hash]] });
  return elements;
}

/** JSON with every non-ASCII character escaped, so MSG is plain ASCII and needs no BOM. */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function cefMessage(outbound: OutboundEvent, severity: number): string {
  const { event, auditHead } = outbound;
  const payload = event.payload;
  const text = (key: string) => (typeof payload[key] === 'string' ? (payload[key] as string) : null);
  const extensions: [string, string][] = [
    ['rt', String(event.createdAt)],
    ['externalId', String(event.seq)],
    ['cat', event.type.split('.')[0] ?? event.type],
    ['act', event.type],
  ];
  const optional: [string, string | null][] = [
    ['suser', text('actor') ?? text('requester')],
    ['outcome', text('to')],
    ['reason', text('errorCode')],
  ];
  for (const [key, value] of optional) if (value !== null) extensions.push([key, value]);
  extensions.push(['cs1Label', 'subjectId'], ['cs1', event.subjectId]);
  const ids: [string, string][] = [['cs2', 'operationId'], ['cs3', 'deviceId'], ['cs4', 'credentialId'], ['cs5', 'runId']];
  for (const [key, field] of ids) {
    const value = text(field);
    if (value !== null) extensions.push([`${key}Label`, field], [key, value]);
  }
  if (auditHead) extensions.push(['cn1Label', 'auditSeq'], ['cn1', String(auditHead.seq)], ['cs6Label', 'auditHash'], ['cs6', auditHead.hash]);
  extensions.push(['msg', JSON.stringify(payload)]);
  return formatCef({
    vendor: 'Ostiary',
    product: 'Ostiary',
    version: OSTIARY_VERSION,
    signatureId: event.type,
    name: event.type.replace(/[._]/g, ' '),
    severity: cefSeverity(severity),
    extensions,
  });
}
