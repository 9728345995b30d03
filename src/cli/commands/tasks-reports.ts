import type { Command } from 'commander';
import { connectClient } from '../client/client-session.js';
import { printJson, printRows, shortTime } from '../client/client-output.js';
import type { OutputFlags } from '../client/client-output.js';
import { collectStatuses, integerOption } from '../option-parsers.js';
import type { Page } from './tasks-columns.js';

interface ReportLine {
  readonly operation: { readonly id: string; readonly runId: string | null; readonly createdAt: string; readonly lastErrorMessage: string | null };
  readonly taskName: string;
  readonly deviceName: string | null;
  readonly statusLabel: string;
}

const reportColumns = {
  OPERATION: (row: ReportLine) => row.operation.id,
  TASK: (row: ReportLine) => row.taskName,
  DEVICE: (row: ReportLine) => row.deviceName ?? '',
  STATUS: (row: ReportLine) => row.statusLabel,
  CREATED: (row: ReportLine) => shortTime(row.operation.createdAt),
  MESSAGE: (row: ReportLine) => row.operation.lastErrorMessage ?? '',
};

/** `ostiary tasks report|dashboard`. */
export function registerTaskReports(tasks: Command): void {
  tasks.command('report').description('operations of task runs, with filters')
    .option('--task <id>').option('--run <id>').option('--device <id>')
    .option('--status <list>', 'statuses, comma-separated (repeatable)', collectStatuses)
    .option('--from <date>', 'created at or after (ISO 8601)').option('--to <date>', 'created before (ISO 8601)')
    .option('--limit <n>', 'page size', integerOption('--limit', 1), 50).option('--after <cursor>', 'next page').option('--json', 'print JSON')
    .action(async (flags: OutputFlags & { task?: string; run?: string; device?: string; status?: string[]; from?: string; to?: string; limit: number; after?: string }) => {
      const query = { taskId: flags.task, runId: flags.run, deviceId: flags.device, status: flags.status?.join(','), from: flags.from, to: flags.to, limit: flags.limit, after: flags.after };
      const page = await (await connectClient()).get<Page<ReportLine>>('/task-reports/operations', query);
      if (flags.json === true) return printJson(page);
      printRows(flags, page.items, reportColumns, 'no operations');
      if (page.next !== null) console.log(`more: --after ${page.next}`);
    });

  tasks.command('dashboard').description('figures for a date range')
    .requiredOption('--from <date>', 'ISO 8601').requiredOption('--to <date>', 'ISO 8601').option('--json', 'print JSON')
    .action(async (flags: OutputFlags & { from: string; to: string }) => {
      printJson(await (await connectClient()).get('/task-reports/dashboard', { from: flags.from, to: flags.to }));
    });
}
