/**
 * Ostiary's side of the fan-out, in its own process (so its peak RSS is its own): a SQLite
 * store with one device per host (host key pinned) and one credential whose private key the
 * vault seals, the `ssh` executor, and an engine allowed to run every host at once. On each
 * `go` it submits one operation per device together and reports the wall time from the
 * submit to the last success.
 * Usage: node --import tsx ostiary-fanout-child.ts <db-file> <data-dir> <key-file> <hosts.json> <user> [concurrency]
 */
import { readFile } from 'node:fs/promises';
import BetterSqlite3 from 'better-sqlite3';
import type { NewOperation } from '../../src/domain/index.js';
import { Engine } from '../../src/engine/index.js';
import { sshExecutor } from '../../src/executors/ssh/ssh-executor.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { openVault } from '../../src/vault/vault.js';
import { onParentMessage, sendToParent } from '../support/bench-child.js';
import { waitUntilFinished } from '../engine/idle-latency.js';
import { median } from '../support/statistics.js';
import { ECHO_TEMPLATE } from './echo-template.js';
import type { FanoutChildMessage, FanoutGo, FanoutRoundResult } from './fanout-messages.js';

interface HostEntry {
  readonly name: string;
  readonly address: string;
  readonly port: number;
  readonly hostKey: string;
}

const BENCH_TIMEOUTS = Object.freeze({ connectMs: 120_000, readMs: 120_000, totalMs: 300_000 });

const [file = '', dataDir = '', keyFile = '', hostsFile = '', user = '', concurrencyArg = ''] = process.argv.slice(2);
const hosts = JSON.parse(await readFile(hostsFile, 'utf8')) as HostEntry[];
const store = await openStore({ url: file });
const vault = await openVault({ dataDir, masterKey: null });
const privateKey = await readFile(keyFile, 'utf8');
const { template, version } = await store.templates.create({ name: 'bench-echo', type: 'task', executor: 'ssh', source: ECHO_TEMPLATE, author: 'bench' });
const targets = await registerHosts(store);
const engine = new Engine({ store, vault, executors: [sshExecutor], concurrency: Number(concurrencyArg) || hosts.length, perDeviceLimit: 1 });
await engine.start();
const reader = new BetterSqlite3(file, { readonly: true });

onParentMessage((message) => {
  if (message.type === 'go') void runRound((message as FanoutGo).round).catch(fail);
  if (message.type === 'stop') void stop();
});
await sendToParent<FanoutChildMessage>({ type: 'ready' });

async function registerHosts(store: Store): Promise<{ deviceId: string; credentialId: string }[]> {
  const registered = [];
  for (const host of hosts) {
    const device = await store.devices.create({ name: host.name, address: host.address, port: host.port, hostKey: host.hostKey });
    const credential = await store.credentials.create({ deviceId: device.id, username: user, kind: 'private_key', secret: vault.seal(privateKey) });
    registered.push({ deviceId: device.id, credentialId: credential.id });
  }
  return registered;
}

async function runRound(round: number): Promise<void> {
  const requester = `bench-round-${round}`;
  const operations: NewOperation[] = targets.map((target) => ({
    type: 'task', executor: 'ssh', templateId: template.id, templateVersion: version.version,
    deviceId: target.deviceId, credentialId: target.credentialId, variables: {}, requester,
    // The same patience as the peers in this run: 200 handshakes at once against 200 sshd on the
    // same 2 cores can take longer than the 10 s production default, and the OpenSSH clients
    // wait without a handshake limit (ConnectTimeout bounds only the TCP connect).
    timeouts: BENCH_TIMEOUTS,
  }));
  const submittedAt = Date.now();
  await store.operations.submitMany(operations);
  await waitUntilFinished(async () => finishedCount(requester), operations.length, 600_000, 10);
  await sendToParent<FanoutRoundResult>({ type: 'result', ...roundFigures(requester, submittedAt) });
}

function finishedCount(requester: string): number {
  const row = reader.prepare(`select count(*) as n from operations where requester = ? and status in ('succeeded', 'failed', 'cancelled')`).get(requester) as { n: number };
  return row.n;
}

function roundFigures(requester: string, submittedAt: number): Omit<FanoutRoundResult, 'type'> {
  const row = reader.prepare(
    `select count(*) filter (where status = 'succeeded') as ok, count(*) filter (where status <> 'succeeded') as bad,
            sum(attempt_count) - count(*) as retries, max(finished_at) as last from operations where requester = ?`,
  ).get(requester) as { ok: number; bad: number; retries: number; last: number };
  const error = reader.prepare(`select last_error_code as code, last_error_message as message from operations where requester = ? and status <> 'succeeded' limit 1`).get(requester) as
    | { code: string; message: string }
    | undefined;
  return { wallMs: row.last - submittedAt, succeeded: row.ok, failed: row.bad, retries: row.retries, ...attemptFigures(requester, submittedAt), firstError: error ? `${error.code}: ${error.message}` : '' };
}

/** Where the wall time went: claiming (submit → last start) and running (each attempt's start → end). */
function attemptFigures(requester: string, submittedAt: number): Pick<FanoutRoundResult, 'lastStartMs' | 'medianAttemptMs' | 'slowestAttemptMs'> {
  const rows = reader.prepare(`select a.started_at as started, a.ended_at as ended from attempts a join operations o on o.id = a.operation_id where o.requester = ?`).all(requester) as { started: number; ended: number }[];
  const durations = rows.map((row) => row.ended - row.started);
  return { lastStartMs: Math.max(...rows.map((row) => row.started)) - submittedAt, medianAttemptMs: median(durations), slowestAttemptMs: Math.max(...durations) };
}

async function stop(): Promise<void> {
  await engine.stop({ drainMs: 5_000 });
  reader.close();
  await store.close();
  await sendToParent<FanoutChildMessage>({ type: 'stopped' });
  process.exit(0);
}

function fail(error: unknown): never {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
}
