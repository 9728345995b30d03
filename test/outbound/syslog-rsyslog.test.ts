import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import type { DeliveryLoop } from '../../src/outbound/delivery/delivery-loop.js';
import { RsyslogServer, rsyslogSkip } from '../support/rsyslog.js';
import { freshStore, type FreshStore } from '../support/stores.js';
import { eventually, orderAndDuplicates, testLoop } from './outbound-fixtures.js';
import { parseCef, parseRfc5424, type ParsedSyslog } from './syslog-parsers.js';

const ENTERPRISE = 'ostiary@32473';

describe('syslog sinks against a real rsyslog', { skip: await rsyslogSkip() }, () => {
  let rsyslog: RsyslogServer;
  let fresh: FreshStore;
  let loop: DeliveryLoop | null = null;

  before(async () => {
    [rsyslog, fresh] = await Promise.all([RsyslogServer.start(), freshStore('sqlite')]);
  });
  after(async () => {
    await loop?.stop();
    await Promise.all([rsyslog?.stop(), fresh?.cleanup()]);
  });

  const parsedFrom = async (hostname: string, predicate: (m: ParsedSyslog[]) => boolean) => {
    let parsed: ParsedSyslog[] = [];
    await rsyslog.waitFor((lines) => {
      parsed = lines.map(parseRfc5424).filter((m) => m.hostname === hostname);
      return predicate(parsed);
    });
    return parsed;
  };
  const seqsOf = (messages: readonly ParsedSyslog[]) => messages.map((m) => Number(m.sd[ENTERPRISE]?.seq));

  it('delivers over UDP, TCP, TLS and TLS with a client certificate as strict RFC 5424, and CEF fields round-trip', async () => {
    const { store } = fresh;
    const { ports, certs } = rsyslog;
    const base = { host: '127.0.0.1', events: ['probe.*'], facility: 'local4' };
    await store.sinks.create({ name: 'udp', kind: 'syslog', actor: 't', config: { ...base, transport: 'udp', port: ports.udp, hostname: 'via-udp' } });
    await store.sinks.create({ name: 'tcp', kind: 'syslog', actor: 't', config: { ...base, transport: 'tcp', port: ports.tcp, hostname: 'via-tcp' } });
    await store.sinks.create({ name: 'tls', kind: 'syslog', actor: 't', config: { ...base, transport: 'tls', port: ports.tls, hostname: 'via-tls', tls: { caFile: certs.caFile } } });
    const mtls = { caFile: certs.caFile, certFile: certs.clientCertFile, keyFile: certs.clientKeyFile };
    await store.sinks.create({ name: 'mtls', kind: 'syslog', actor: 't', config: { ...base, transport: 'tls', port: ports.mtls, hostname: 'via-mtls', tls: mtls } });
    await store.sinks.create({ name: 'cef', kind: 'syslog', actor: 't', config: { ...base, transport: 'tcp', port: ports.tcp, hostname: 'via-cef', format: 'cef' } });
    const tricky = 'a"b]c\\d=e|f\ng é';
    const probe = await store.outbox.append('probe.failed', tricky, { operationId: 'op-1', deviceId: 'dev"]1', actor: 'alice|admin', note: tricky, to: 'failed' });
    loop = testLoop(store);
    await loop.start();
    for (const host of ['via-udp', 'via-tcp', 'via-tls', 'via-mtls']) {
      const [message] = await parsedFrom(host, (m) => m.length > 0);
      assert.ok(message, host);
      assert.equal(message.version, 1);
      assert.equal(message.facility, 20, 'local4');
      assert.equal(message.appName, 'ostiary');
      assert.equal(message.msgId, 'probe.failed');
      assert.equal(message.timestamp, new Date(probe.createdAt).toISOString());
      // Structured data keeps every character but control characters, which become spaces.
      const sdSubject = tricky.replace('\n', ' ');
      assert.deepEqual(message.sd[ENTERPRISE], { seq: String(probe.seq), type: 'probe.failed', subjectId: sdSubject, operationId: 'op-1', deviceId: 'dev"]1' });
      const body = JSON.parse(message.msg) as { seq: number; payload: Record<string, unknown> };
      assert.equal(body.seq, probe.seq);
      assert.deepEqual(body.payload, probe.payload);
    }
    const [cefLine] = await parsedFrom('via-cef', (m) => m.length > 0);
    const cef = parseCef(cefLine?.msg ?? '');
    assert.deepEqual([cef.version, cef.vendor, cef.product, cef.signatureId, cef.name], ['0', 'Ostiary', 'Ostiary', 'probe.failed', 'probe failed']);
    assert.ok(cef.severity >= 0 && cef.severity <= 10);
    assert.equal(cef.extensions.externalId, String(probe.seq));
    assert.equal(cef.extensions.cs1, tricky);
    assert.equal(cef.extensions.cs3, 'dev"]1');
    assert.equal(cef.extensions.suser, 'alice|admin');
    assert.deepEqual(JSON.parse(cef.extensions.msg ?? ''), probe.payload);
  });

  it('verifies the server certificate by default: without the CA nothing is sent and the error is recorded', async () => {
    const { store } = fresh;
    const sink = await store.sinks.create({
      name: 'untrusted', kind: 'syslog', actor: 't',
      config: { transport: 'tls', host: '127.0.0.1', port: rsyslog.ports.tls, hostname: 'via-untrusted', events: ['probe.*'] },
    });
    await store.outbox.append('probe.untrusted', 's', {});
    const state = await eventually(async () => {
      const s = await store.sinks.state(sink.id);
      return s && s.failures > 0 ? s : undefined;
    }, 30_000, 'a TLS failure');
    assert.match(state.lastError ?? '', /certificate|self.signed|verify/i);
    assert.equal((await rsyslog.messages()).some((line) => line.includes('via-untrusted')), false);
    await store.sinks.update(sink.id, { enabled: false, actor: 't' });
  });

  it('stop rsyslog, append 500 events, start it again: all 500 arrive in order', async (t) => {
    const { store } = fresh;
    await store.sinks.create({
      name: 'burst', kind: 'syslog', actor: 't',
      config: { transport: 'tcp', host: '127.0.0.1', port: rsyslog.ports.tcp, hostname: 'via-burst', events: ['burst.*'] },
    });
    const warmup = await store.outbox.append('burst.warmup', 'w', {});
    await parsedFrom('via-burst', (m) => seqsOf(m).includes(warmup.seq));
    await rsyslog.pause();
    const appended: number[] = [];
    for (let i = 0; i < 500; i += 1) appended.push((await store.outbox.append('burst.event', `e${i}`, { i })).seq);
    const burst = (await store.sinks.getByName('burst'))?.id ?? '';
    await eventually(async () => ((await store.sinks.state(burst))?.failures ?? 0) > 0, 30_000, 'a failed delivery while rsyslog is down');
    await rsyslog.resume();
    const received = await parsedFrom('via-burst', (m) => appended.every((seq) => seqsOf(m).includes(seq)));
    const { duplicates, inOrder, distinct } = orderAndDuplicates(seqsOf(received));
    assert.deepEqual(distinct, [warmup.seq, ...appended], 'every event, in order');
    assert.ok(inOrder);
    // Duplicates are events sent again because they went out shortly before the connection broke.
    t.diagnostic(`500 events across an rsyslog restart: ${received.length} messages, ${duplicates} duplicate(s)`);
    // The cursor is recorded just after the send: wait for it rather than race it.
    const state = await eventually(async () => {
      const s = await store.sinks.state(burst);
      return s && s.failures === 0 && s.deliveredSeq >= (appended.at(-1) ?? 0) ? s : undefined;
    }, 10_000, 'the cursor past the burst');
    assert.ok(state.totalFailures > 0);
  });

  it('a new delivery loop on a reopened store delivers what the stopped one left undelivered, and nothing twice', async () => {
    await loop?.stop();
    loop = null;
    const { store } = fresh;
    await store.sinks.create({
      name: 'restart', kind: 'syslog', actor: 't',
      config: { transport: 'tcp', host: '127.0.0.1', port: rsyslog.ports.tcp, hostname: 'via-restart', events: ['restart.*'] },
    });
    const first = await store.outbox.append('restart.before', 'b', {});
    loop = testLoop(store);
    await loop.start();
    await parsedFrom('via-restart', (m) => seqsOf(m).includes(first.seq));
    await loop.stop();
    loop = null;
    const pending: number[] = [];
    for (let i = 0; i < 20; i += 1) pending.push((await store.outbox.append('restart.pending', `p${i}`, { i })).seq);
    const reopened: Store = await openStore({ url: fresh.url });
    try {
      const second = testLoop(reopened);
      await second.start();
      const received = await parsedFrom('via-restart', (m) => pending.every((seq) => seqsOf(m).includes(seq)));
      await second.stop();
      const { duplicates, distinct } = orderAndDuplicates(seqsOf(received));
      assert.deepEqual(distinct, [first.seq, ...pending]);
      assert.equal(duplicates, 0);
    } finally {
      await reopened.close();
    }
  });
});
