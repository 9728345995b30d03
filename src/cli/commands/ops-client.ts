import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { OstiaryError } from '../../domain/index.js';
import type { ApiClient } from '../client/api-client.js';
import { connectClient } from '../client/client-session.js';
import { printJson, printRecord, printRows, shortTime } from '../client/client-output.js';
import type { OutputFlags } from '../client/client-output.js';
import { collectStatuses, collectVariable, integerOption } from '../option-parsers.js';

interface OperationView {
  readonly id: string;
  readonly status: string;
  readonly statusLabel: string;
  readonly type: string;
  readonly executor: string;
  readonly attemptCount: number;
  readonly createdAt: string;
  readonly lastErrorCode: string | null;
}

interface Page<T> {
  readonly items: readonly T[];
  readonly next: string | null;
}

interface TranscriptView {
  readonly attempts: readonly { number: number; outcome: string | null; transcript: string }[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FINISHED = new Set(['succeeded', 'failed', 'cancelled', 'expired']);

const columns = {
  ID: (op: OperationView) => op.id,
  STATUS: (op: OperationView) => op.statusLabel,
  TYPE: (op: OperationView) => op.type,
  EXECUTOR: (op: OperationView) => op.executor,
  ATTEMPTS: (op: OperationView) => String(op.attemptCount),
  CREATED: (op: OperationView) => shortTime(op.createdAt),
  'LAST ERROR': (op: OperationView) => op.lastErrorCode ?? '',
};

/**
 * `ostiary ops …` as a client of `/api/v1/operations`, used instead of the direct-store
 * commands when OSTIARY_URL is set (see `opsThroughApi`). Same subcommands and output; the
 * operator is the logged-in user, and objects may be named by id or by name.
 */
export function registerOpsClient(ops: Command): void {
  ops.command('list').description('list operations, newest first (API)')
    .option('--status <status>', 'only these statuses (comma-separated or repeated)', collectStatuses)
    .option('--device <id>').option('--credential <id>').option('--requester <name>').option('--from <time>').option('--to <time>')
    .option('--limit <n>', 'at most this many', integerOption('--limit', 1), 50).option('--after <cursor>', 'next page').option('--json', 'print JSON')
    .action(async (flags: OutputFlags & Record<string, string | number | string[] | undefined>) => {
      const query = { status: Array.isArray(flags.status) ? flags.status.join(',') : undefined, deviceId: flags.device, credentialId: flags.credential, requester: flags.requester, from: flags.from, to: flags.to, limit: flags.limit, after: flags.after };
      const page = await (await connectClient()).get<Page<OperationView>>('/operations', query as Record<string, string | number | undefined>);
      if (flags.json === true) return printJson(page.items);
      printRows(flags, page.items, columns, 'no operations');
    });

  ops.command('show').description('show one operation and its attempts (API)').argument('<id>', 'operation id').option('--json', 'print JSON')
    .action(async (id: string, flags: OutputFlags) => {
      const client = await connectClient();
      const operation = await client.get<Record<string, unknown>>(`/operations/${id}`);
      const attempts = await client.get<Page<Record<string, unknown>>>(`/operations/${id}/attempts`);
      if (flags.json === true) return printJson({ operation, attempts: attempts.items });
      printRecord(flags, operation);
      printRows(flags, attempts.items, { '#': (a) => String(a.number), OUTCOME: (a) => String(a.outcome ?? 'running'), STARTED: (a) => String(a.startedAt), MESSAGE: (a) => String(a.message ?? '') }, '\nno attempts yet');
    });

  ops.command('submit').description('queue one operation (API); prints its id')
    .requiredOption('--template <id|name>', 'stored template (its latest version)')
    .option('--device <id|name>', 'target device').option('--credential <id>', 'credential id on the device')
    .option('--var <KEY=VALUE>', 'task variable, repeatable; fills [#KEY#]', collectVariable).option('--json', 'print JSON')
    .action(async (flags: OutputFlags & { template: string; device?: string; credential?: string; var?: Record<string, string> }) => {
      const client = await connectClient();
      const templateId = await idOf(client, '/templates', flags.template, 'template');
      const deviceId = flags.device === undefined ? undefined : await idOf(client, '/devices', flags.device, 'device');
      const operation = await client.send<OperationView>('POST', '/operations', { templateId, deviceId, credentialId: flags.credential, variables: flags.var });
      if (flags.json === true) return printJson(operation);
      console.log(operation.id);
    });

  ops.command('logs').description("print the operation's transcripts, one per attempt (API)").argument('<id>', 'operation id')
    .option('-f, --follow', 'keep printing until the operation ends').option('--interval-ms <ms>', 'how often to look with -f', integerOption('--interval-ms', 50), 1000)
    .action(async (id: string, flags: { follow?: boolean; intervalMs: number }) => followLogs(await connectClient(), id, flags));

  for (const [name, path, description] of [['cancel', 'cancel', 'cancel an operation (API)'], ['restart', 'restart', 'schedule a failed operation again (API)'], ['run-now', 'run-now', 'request immediate execution (API)']] as const) {
    ops.command(name).description(description).argument('<id>', 'operation id')
      .action(async (id: string) => {
        const operation = await (await connectClient()).send<OperationView>('POST', `/operations/${id}/${path}`);
        console.log(`${operation.id}: ${operation.statusLabel}`);
      });
  }
}

/** A UUID is taken as is; a name is looked up page by page. */
async function idOf(client: ApiClient, path: string, idOrName: string, kind: string): Promise<string> {
  if (UUID.test(idOrName)) return idOrName;
  let after: string | undefined;
  do {
    const page = await client.get<Page<{ id: string; name: string }>>(path, { limit: 200, after });
    const found = page.items.find((item) => item.name === idOrName);
    if (found !== undefined) return found.id;
    after = page.next ?? undefined;
  } while (after !== undefined);
  throw new OstiaryError('OST_NOT_FOUND', `--${kind}: no ${kind} named ${JSON.stringify(idOrName)}`, { details: { field: kind } });
}

async function followLogs(client: ApiClient, id: string, flags: { follow?: boolean; intervalMs: number }): Promise<void> {
  const printed = new Map<number, number>();
  for (;;) {
    const operation = await client.get<OperationView>(`/operations/${id}`);
    const { attempts } = await client.get<TranscriptView>(`/operations/${id}/transcript`);
    for (const attempt of attempts) {
      const done = printed.get(attempt.number);
      if (done === undefined) process.stdout.write(`=== attempt ${attempt.number} ===\n`);
      process.stdout.write(attempt.transcript.slice(done ?? 0));
      printed.set(attempt.number, attempt.transcript.length);
    }
    if (flags.follow !== true || FINISHED.has(operation.status)) return;
    await sleep(flags.intervalMs);
  }
}
