import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runOstiary, startOstiary } from './cli-runner.js';
import { freePort } from '../support/free-port.js';


async function healthz(url: string): Promise<{ status: number; body: unknown } | null> {
  try {
    const response = await fetch(url);
    return { status: response.status, body: await response.json() };
  } catch {
    return null;
  }
}

describe('ostiary start', () => {
  let work: string;
  before(async () => (work = await mkdtemp(join(tmpdir(), 'ostiary-start-'))));
  after(async () => rm(work, { recursive: true, force: true }));

  it('on a fresh data directory: creates it with the database and the vault key, serves /healthz, stops cleanly on SIGTERM', async () => {
    const dataDir = join(work, 'data');
    const port = await freePort();
    const ostiary = startOstiary(['start', '--port', String(port), '--data-dir', dataDir]);
    try {
      let health = null;
      for (let i = 0; i < 1200 && health === null && ostiary.child.exitCode === null; i += 1) {
        health = await healthz(`http://127.0.0.1:${port}/healthz`);
        if (health === null) await sleep(50);
      }
      assert.deepEqual(health, { status: 200, body: { status: 'ok' } }, ostiary.output());
      assert.ok((await stat(join(dataDir, 'ostiary.db'))).isFile());
      assert.equal((await stat(join(dataDir, 'vault.key'))).mode & 0o777, 0o600);
      assert.match(ostiary.output(), /"msg":"engine started"/);

      ostiary.child.kill('SIGTERM');
      const [code, signal] = await ostiary.exited;
      assert.equal(signal, null);
      assert.equal(code, 0, ostiary.output());
      assert.match(ostiary.output(), /"msg":"shutting down"/);
      assert.equal(await healthz(`http://127.0.0.1:${port}/healthz`), null, 'nothing listens any more');
    } finally {
      ostiary.killIfRunning();
    }
  });

  it('ostiary worker --metrics-port serves Prometheus metrics (engine and rotation series) and stops cleanly', async () => {
    const port = await freePort();
    const worker = startOstiary(['worker', '--metrics-port', String(port), '--data-dir', join(work, 'worker-data')]);
    try {
      let text: string | null = null;
      for (let i = 0; i < 1200 && text === null && worker.child.exitCode === null; i += 1) {
        text = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => (r.ok ? r.text() : null), () => null);
        if (text === null) await sleep(50);
      }
      assert.ok(text, worker.output());
      for (const series of ['ostiary_attempt_duration_seconds', 'ostiary_lease_recoveries_total', 'ostiary_rotations_total']) {
        assert.match(text, new RegExp(`# TYPE ${series} `), `${series} in the worker's metrics`);
      }
      assert.equal((await fetch(`http://127.0.0.1:${port}/api/v1/operations`)).status, 404, 'the metrics listener serves nothing else');
      // The listener comes up before the engine; stop only once the engine runs (a clean stop is part of the test).
      await worker.waitFor('"msg":"engine started"');
      worker.child.kill('SIGTERM');
      const [code] = await worker.exited;
      assert.equal(code, 0, worker.output());
    } finally {
      worker.killIfRunning();
    }
  });

  it('refuses a port already in use with OST_CONFIG naming --port, and exits 1', async () => {
    const blocker = createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const result = await runOstiary(['start', '--port', String(port), '--data-dir', join(work, 'busy')]);
      assert.equal(result.code, 1);
      assert.equal(result.stderr.trim(), `OST_CONFIG: --port: 127.0.0.1:${port} is already in use`);
    } finally {
      blocker.close();
    }
  });
});
