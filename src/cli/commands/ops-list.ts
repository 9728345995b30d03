import type { Command } from 'commander';
import { OPERATION_STATUS_LABELS } from '../../domain/index.js';
import type { Operation, OperationStatus } from '../../domain/index.js';
import { withStore } from '../cli-store.js';
import { configOf } from '../global-options.js';
import { collectStatuses, integerOption } from '../option-parsers.js';
import { formatTable, formatTime } from '../text-table.js';
import { standardOutput } from '../cli-output.js';
import type { CliOutput } from '../cli-output.js';

interface ListFlags {
  readonly status?: OperationStatus[];
  readonly limit: number;
  readonly json?: boolean;
}

export function registerOpsList(ops: Command, output: CliOutput = standardOutput): void {
  ops
    .command('list')
    .description('list operations, newest first as the store orders them')
    .option('--status <status>', 'only these statuses (comma-separated or repeated), e.g. running,failed', collectStatuses)
    .option('--limit <n>', 'at most this many', integerOption('--limit', 1), 50)
    .option('--json', 'print JSON instead of a table')
    .action(async (flags: ListFlags, cmd: Command) => {
      const filter = flags.status ? { status: flags.status } : {};
      const page = await withStore(configOf(cmd), (store) => store.operations.list(filter, { limit: flags.limit }));
      output.line(flags.json ? JSON.stringify(page.items, null, 2) : operationsTable(page.items));
    });
}

export function operationsTable(operations: readonly Operation[]): string {
  if (operations.length === 0) return 'no operations';
  const rows = operations.map((op) => [
    op.id,
    OPERATION_STATUS_LABELS[op.status],
    op.type,
    op.executor,
    String(op.attemptCount),
    formatTime(op.createdAt),
    op.lastErrorCode ?? '',
  ]);
  return formatTable(['ID', 'STATUS', 'TYPE', 'EXECUTOR', 'ATTEMPTS', 'CREATED', 'LAST ERROR'], rows);
}
