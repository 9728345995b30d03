/**
 * One graphile-worker 0.16 process, the peer of `ostiary-worker-child.ts`: a pool and a
 * `noop` task, `ready` once connected, `run()` on `go`, each probe job's start reported,
 * and on `stop` a graceful stop and the count of jobs it ran.
 * Usage: node --import tsx graphile-worker-child.ts <db-url> <concurrency>
 */
import { Logger, run } from 'graphile-worker';
import type { Runner, Task } from 'graphile-worker';
import pg from 'pg';
import { onParentMessage, sendToParent } from '../support/bench-child.js';
import type { WorkerMessage } from './engine-messages.js';
import { preciseNow } from '../support/precise-clock.js';

const [url = '', concurrency = '8'] = process.argv.slice(2);

// The pool graphile-worker would make itself (node-postgres' default of 10 connections), made
// here so it connects before `go`.
const pgPool = new pg.Pool({ connectionString: url, max: 10 });
await pgPool.query('select 1');
let ran = 0;
let runner: Runner | null = null;

const noop: Task = (payload, helpers) => {
  ran += 1;
  if ((payload as { probe?: boolean } | null)?.probe) void sendToParent<WorkerMessage>({ type: 'started', id: helpers.job.id, at: preciseNow() });
};

/** Errors only: graphile-worker's info lines would drown the benchmark's output. */
const logger = new Logger(() => (level, message) => {
  if (level === 'error') console.error(`graphile-worker: ${message}`);
});

onParentMessage((message) => {
  if (message.type === 'go') void start();
  if (message.type === 'stop') void stop();
});
await sendToParent<WorkerMessage>({ type: 'ready' });

async function start(): Promise<void> {
  runner = await run({ pgPool, concurrency: Number(concurrency), taskList: { noop }, noHandleSignals: true, logger });
}

async function stop(): Promise<void> {
  await runner?.stop();
  await pgPool.end();
  await sendToParent<WorkerMessage>({ type: 'stopped', ran });
  process.exit(0);
}
