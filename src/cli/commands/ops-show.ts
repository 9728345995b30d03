import type { Command } from 'commander';
import { OPERATION_STATUS_LABELS } from '../../domain/index.js';
import type { Attempt, Operation } from '../../domain/index.js';
import { withStore } from '../cli-store.js';
import { configOf } from '../global-options.js';
import { requireOperation } from '../operation-lookup.js';
import { formatTable, formatTime } from '../text-table.js';
import { standardOutput } from '../cli-output.js';
import type { CliOutput } from '../cli-output.js';

export function registerOpsShow(ops: Command, output: CliOutput = standardOutput): void {
  ops
    .command('show')
    .description('show one operation and its attempts')
    .argument('<id>', 'operation id')
    .option('--json', 'print JSON')
    .action(async (id: string, flags: { json?: boolean }, cmd: Command) => {
      const { operation, attempts } = await withStore(configOf(cmd), async (store) => ({
        operation: await requireOperation(store, id),
        attempts: await store.operations.attempts(id),
      }));
      if (flags.json) output.line(JSON.stringify({ operation, attempts: attempts.map(withoutTranscript) }, null, 2));
      else output.line(`${describeOperation(operation)}\n\n${attemptsTable(attempts)}`);
    });
}

function withoutTranscript({ transcript: _transcript, ...attempt }: Attempt): Omit<Attempt, 'transcript'> {
  return attempt;
}

function describeOperation(op: Operation): string {
  const fields: [string, string][] = [
    ['id', op.id],
    ['status', `${OPERATION_STATUS_LABELS[op.status]} (${op.status})${op.cancelRequested && op.status === 'running' ? ', cancel requested' : ''}`],
    ['type', op.type],
    ['executor', op.executor],
    ['template', `${op.templateId} v${op.templateVersion}`],
    ['device', op.deviceId ?? '-'],
    ['credential', op.credentialId ?? '-'],
    ['variables', Object.keys(op.variables).length === 0 ? '-' : JSON.stringify(op.variables)],
    ['requester', op.requester],
    ['priority', String(op.priority)],
    ['not before', formatTime(op.notBefore)],
    ['attempts', `${op.attemptCount} (max ${op.retryPolicy.maxAttempts} per round)`],
    ['timeout', `${op.timeouts.totalMs} ms`],
    ['created', formatTime(op.createdAt)],
    ['finished', formatTime(op.finishedAt)],
    ['last error', op.lastErrorCode ? `${op.lastErrorCode}: ${op.lastErrorMessage ?? ''}` : '-'],
  ];
  return fields.map(([name, value]) => `${`${name}:`.padEnd(12)} ${value}`).join('\n');
}

function attemptsTable(attempts: readonly Attempt[]): string {
  if (attempts.length === 0) return 'no attempts yet';
  const rows = attempts.map((attempt) => [
    String(attempt.number),
    attempt.outcome ?? 'running',
    formatTime(attempt.startedAt),
    formatTime(attempt.endedAt),
    attempt.workerId,
    attempt.errorCode ? `${attempt.errorCode}: ${attempt.message ?? ''}` : (attempt.message ?? ''),
  ]);
  return formatTable(['#', 'OUTCOME', 'STARTED', 'ENDED', 'WORKER', 'MESSAGE'], rows);
}
