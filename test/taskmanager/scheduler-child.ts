// Run by scheduler-processes.test.ts as a separate process: one "server" whose scheduler
// shares the PostgreSQL database at argv[2] with others. It prints `ready`, waits for `go`
// on stdin, then makes one pass at each instant of argv[3] (a JSON list of epoch ms) and
// prints the ids of the runs it created as JSON.
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { openStore } from '../../src/store/open-store.js';
import { Scheduler } from '../../src/taskmanager/scheduler.js';

const [url, ticksJson] = process.argv.slice(2);
if (!url || !ticksJson) throw new Error('usage: scheduler-child.ts <postgres url> <ticks json>');
const ticks = JSON.parse(ticksJson) as number[];
const store = await openStore({ url, migrate: false });
try {
  const errors: string[] = [];
  const scheduler = new Scheduler({ store }, { onError: (error) => errors.push(String(error)) });
  const lines = createInterface({ input: process.stdin });
  process.stdout.write('ready\n');
  await once(lines, 'line');
  lines.close();
  const created: string[] = [];
  for (const tick of ticks) created.push(...(await scheduler.tick(tick)).runsCreated);
  process.stdout.write(`${JSON.stringify({ created, errors })}\n`);
} finally {
  await store.close();
}
