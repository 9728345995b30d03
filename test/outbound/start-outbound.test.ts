import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { verifyWebhookSignature } from '../../src/outbound/webhook/webhook-signature.js';
import { startOstiary } from '../cli/cli-runner.js';
import { eventually, FrameReceiver } from './outbound-fixtures.js';

const SECRET = 'whsec-start-0123456789abcdef';

describe('ostiary start delivers to the sinks of the config file', () => {
  let work: string;
  const syslog = new FrameReceiver();
  const hooks: { type: string | undefined; verified: boolean; body: string }[] = [];
  let webhook: Server;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'ostiary-start-outbound-'));
    webhook = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8'))).on('end', () => {
        const verified = verifyWebhookSignature(SECRET, req.headers['ostiary-signature'] as string | undefined, body).ok;
        hooks.push({ type: req.headers['ostiary-event'] as string | undefined, verified, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    await Promise.all([syslog.close(), new Promise((resolve) => webhook.close(resolve))]);
    await rm(work, { recursive: true, force: true });
  });

  it('applies the file at start and delivers its sink events over syslog and a signed webhook', async () => {
    const dataDir = join(work, 'data');
    await mkdir(dataDir);
    const hookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/in`;
    await writeFile(join(dataDir, 'ostiary.json'), JSON.stringify({
      sinks: [
        { name: 'siem', kind: 'syslog', config: { transport: 'tcp', host: '127.0.0.1', port: await syslog.listen(), events: ['sink.*'] } },
        { name: 'hook', kind: 'webhook', config: { url: hookUrl, events: ['sink.*'], secretEnv: 'OSTIARY_TEST_HOOK_SECRET' } },
      ],
    }));
    const ostiary = startOstiary(['start', '--port', '0', '--data-dir', dataDir], { OSTIARY_TEST_HOOK_SECRET: SECRET });
    try {
      // Each sink starts after the head at its creation, so it receives its own `sink.created`.
      await eventually(async () => syslog.messages.some((m) => m.msgId === 'sink.created') && hooks.length > 0, 60_000, `deliveries (${ostiary.output()})`);
      assert.equal(syslog.messages[0]?.sd['ostiary@32473']?.type, 'sink.created');
      assert.deepEqual(hooks.map((h) => [h.type, h.verified]), [['sink.created', true]]);
      assert.equal(ostiary.output().includes(SECRET), false, 'the secret is not logged');
      assert.match(ostiary.output(), /"msg":"sinks updated from the config file"/);
      // SIGTERM is handled once start has finished starting.
      await eventually(async () => ostiary.output().includes('"msg":"ostiary started"'), 60_000, 'start to finish');
      ostiary.child.kill('SIGTERM');
      const [code] = await ostiary.exited;
      assert.equal(code, 0, ostiary.output());
    } finally {
      ostiary.killIfRunning();
    }
  });
});
