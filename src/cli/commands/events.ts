import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import type { ApiClient } from '../client/api-client.js';
import { connectClient } from '../client/client-session.js';
import { printJson, printRows } from '../client/client-output.js';
import type { OutputFlags } from '../client/client-output.js';
import { integerOption } from '../option-parsers.js';

interface EventView {
  readonly seq: number;
  readonly type: string;
  readonly subjectId: string;
  readonly createdAt: string;
  readonly payload: Record<string, unknown>;
}

interface EventsPage {
  readonly items: readonly EventView[];
  readonly cursor: number;
  readonly head: number;
}

interface ListFlags extends OutputFlags {
  readonly after: number;
  readonly limit: number;
  readonly types?: string;
}

const columns = {
  SEQ: (event: EventView) => String(event.seq),
  TYPE: (event: EventView) => event.type,
  SUBJECT: (event: EventView) => event.subjectId,
  TIME: (event: EventView) => event.createdAt.replace(/\.\d{3}Z$/, 'Z'),
};

/**
 * `ostiary events list|follow`: the event feed (`GET /api/v1/events`, permission `event:read`)
 * as a client system reads it: after a seq, optionally filtered by type globs.
 */
export function registerEvents(program: Command): void {
  const events = program.command('events').description('read the event feed (rotations, operations, …) through the API');

  events.command('list').description('events after a seq, oldest first; prints the cursor for the next call')
    .option('--after <seq>', 'only events with a greater seq', integerOption('--after', 0), 0).option('--limit <n>', 'at most this many', integerOption('--limit', 1), 100)
    .option('--types <globs>', 'comma-separated type globs, e.g. credential.*,operation.failed').option('--json', 'print JSON')
    .action(async (flags: ListFlags) => {
      const page = await read(await connectClient(), flags.after, flags);
      if (flags.json === true) return printJson(page);
      printRows(flags, page.items, columns, 'no events');
      console.log(`next: --after ${page.cursor}`);
    });

  events.command('follow').description('print events as they come (one JSON document a line) until interrupted')
    .option('--after <seq>', 'start after this seq (default: only new events)', integerOption('--after', 0))
    .option('--types <globs>', 'comma-separated type globs').option('--interval-ms <ms>', 'how often to poll when caught up', integerOption('--interval-ms', 100), 1000)
    .action(async (flags: { after?: number; types?: string; intervalMs: number }) => {
      const client = await connectClient();
      let cursor = flags.after ?? (await read(client, 0, { limit: 1 })).head;
      for (;;) {
        const page = await read(client, cursor, { limit: 500, types: flags.types });
        for (const event of page.items) console.log(JSON.stringify(event));
        cursor = page.cursor;
        if (page.cursor >= page.head) await sleep(flags.intervalMs);
      }
    });
}

function read(client: ApiClient, after: number, flags: { limit: number; types?: string }): Promise<EventsPage> {
  return client.get<EventsPage>('/events', { after, limit: flags.limit, types: flags.types });
}
