import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { backoffDelay } from '../../src/outbound/delivery/backoff.js';
import { eventFilter } from '../../src/outbound/event-filter.js';
import { parseSinkSettings } from '../../src/outbound/sink-settings.js';
import { escapeCefExtension, escapeCefHeader, formatCef } from '../../src/outbound/syslog/cef-format.js';
import { escapeParamValue, formatRfc5424 } from '../../src/outbound/syslog/rfc5424-format.js';
import { syslogMessage } from '../../src/outbound/syslog/syslog-message.js';
import { cefSeverity, severityResolver } from '../../src/outbound/syslog/syslog-severity.js';
import { octetCountedFrame } from '../../src/outbound/syslog/syslog-transport.js';
import { parseCef, parseRfc5424 } from './syslog-parsers.js';

describe('RFC 5424 formatting', () => {
  it('writes PRI, version, UTC timestamp, NILVALUEs and escaped structured data', () => {
    const line = formatRfc5424({
      facility: 16, severity: 3, timestamp: Date.UTC(2026, 0, 2, 3, 4, 5, 6), hostname: 'host one', appName: 'ostiary',
      procId: '42', msgId: '', structuredData: [{ id: 'x@32473', params: [['v', 'a"b\\c]d']] }], message: 'hello',
    });
    assert.equal(line, '<131>1 2026-01-02T03:04:05.006Z host_one ostiary 42 - [x@32473 v="a\\"b\\\\c\\]d"] hello');
    assert.equal(escapeParamValue('line\nbreak\ttab'), 'line break tab');
  });

  it('any SD value survives the strict parser unchanged, control characters aside', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (value) => {
        const line = formatRfc5424({
          facility: 1, severity: 6, timestamp: 0, hostname: 'h', appName: 'a', procId: '1', msgId: 'm',
          structuredData: [{ id: 'ostiary@32473', params: [['v', value]] }], message: '',
        });
        // eslint-disable-next-line no-control-regex -- the formatter turns these into spaces
        assert.equal(parseRfc5424(line).sd['ostiary@32473']?.v, value.replace(/[\x00-\x1f\x7f]/g, ' '));
      }),
    );
  });

  it('frames by octet count in bytes, not characters', () => {
    assert.equal(octetCountedFrame('é').toString('utf8'), '2 é');
  });

  it('formats an event: severity by type, ids in SD, ASCII JSON in MSG, the audit head when known', () => {
    const event = { seq: 7, type: 'operation.failed', subjectId: 'op', createdAt: 0, payload: { operationId: 'op', note: 'ünïcode' } };
    const settings = { format: 'rfc5424' as const, facility: 10, hostname: 'h', procId: '9', enterpriseId: 32473, severityOf: severityResolver() };
    const line = syslogMessage({ event, auditHead: { seq: 3, hash: 'ab' } }, settings);
    assert.ok(/^[\x20-\x7e]*$/.test(line), 'pure ASCII, so MSG needs no BOM');
    const parsed = parseRfc5424(line);
    assert.equal(parsed.facility * 8 + parsed.severity, 10 * 8 + 3);
    assert.deepEqual(parsed.sd['ostiaryAudit@32473'], { seq: '3', hash: 'ab' });
    assert.deepEqual((JSON.parse(parsed.msg) as { payload: unknown }).payload, event.payload);
  });
});

describe('CEF formatting', () => {
  it('escapes header fields and extension values per the spec, and the strict parser reads them back', () => {
    assert.equal(escapeCefHeader('a|b\\c'), 'a\\|b\\\\c');
    assert.equal(escapeCefExtension('a=b\\c\nd\re|f'), 'a\\=b\\\\c\\nd\\re|f');
    fc.assert(
      fc.property(fc.string(), fc.string(), (header, value) => {
        const text = formatCef({ vendor: 'V', product: 'P', version: '1', signatureId: header, name: 'n', severity: 5, extensions: [['cs1', value], ['msg', value]] });
        const parsed = parseCef(text);
        // eslint-disable-next-line no-control-regex -- control characters other than CR/LF become spaces
        const expected = value.replace(/[\x00-\x09\x0b\x0c\x0e-\x1f\x7f]/g, ' ');
        assert.equal(parsed.extensions.cs1, expected);
        assert.equal(parsed.extensions.msg, expected);
        assert.equal(parsed.signatureId, header.replace(/\r\n|[\r\n]/g, ' '));
      }),
    );
  });

  it('maps syslog severity to CEF 0–10', () => {
    assert.deepEqual([0, 2, 3, 4, 5, 6, 7].map(cefSeverity), [10, 9, 7, 5, 3, 1, 0]);
  });
});

describe('event filters, severities, backoff and settings', () => {
  it('matches globs on event types', () => {
    const filter = eventFilter(['credential.*', 'operation.failed']);
    assert.deepEqual(['credential.rotated', 'operation.failed', 'operation.succeeded', 'credentialX'].map(filter), [true, true, false, false]);
    assert.equal(eventFilter(['*'])('anything.at.all'), true);
  });

  it('resolves severities, overrides first', () => {
    const severity = severityResolver({ 'operation.succeeded': 'notice' });
    assert.deepEqual(['operation.failed', 'credential.out_of_sync', 'operation.succeeded', 'device.created'].map(severity), [3, 2, 5, 6]);
  });

  it('backs off exponentially up to the cap, with ±20% spread', () => {
    const policy = { initialMs: 100, maxMs: 1000 };
    assert.deepEqual([1, 2, 3, 4, 5, 50].map((n) => backoffDelay(policy, n, () => 0.5)), [100, 200, 400, 800, 1000, 1000]);
    assert.equal(backoffDelay(policy, 1, () => 0), 80);
    assert.equal(backoffDelay(policy, 1, () => 1), 120);
  });

  it('validates settings, naming the field, and fills defaults', () => {
    const syslog = parseSinkSettings('syslog', { transport: 'tcp', host: 'siem', port: 514 });
    assert.equal(syslog.kind === 'syslog' && syslog.settings.facility, 'local0');
    assert.throws(() => parseSinkSettings('syslog', { transport: 'tcp', host: 'siem', port: 0 }), /sink\.config\.port/);
    assert.throws(() => parseSinkSettings('syslog', { transport: 'tcp', host: 'h', port: 1, tls: {} }), /sink\.config\.tls: only with transport `tls`/);
    assert.throws(() => parseSinkSettings('webhook', { url: 'ftp://x' }), /sink\.config\.url/);
    assert.throws(() => parseSinkSettings('webhook', { url: 'https://x', extra: 1 }), /sink\.config/);
  });
});
