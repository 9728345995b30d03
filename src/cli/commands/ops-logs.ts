import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import type { Attempt, OperationStatus } from '../../domain/index.js';
import type { Store } from '../../store/store.js';
import { withStore } from '../cli-store.js';
import { configOf } from '../global-options.js';
import { requireOperation } from '../operation-lookup.js';
import { integerOption } from '../option-parsers.js';
import { standardOutput } from '../cli-output.js';
import type { CliOutput } from '../cli-output.js';

interface LogsFlags {
  readonly follow?: boolean;
  readonly intervalMs: number;
}

/** Statuses after which `-f` stops following: nothing more will run unless someone restarts it. */
const FINISHED: ReadonlySet<OperationStatus> = new Set(['succeeded', 'failed', 'cancelled', 'expired']);

export function registerOpsLogs(ops: Command, output: CliOutput = standardOutput): void {
  ops
    .command('logs')
    .description("print the operation's transcripts, one per attempt (already redacted)")
    .argument('<id>', 'operation id')
    .option('-f, --follow', 'keep printing as the operation runs, until it ends')
    .option('--interval-ms <ms>', 'how often to look for new output with -f', integerOption('--interval-ms', 50), 500)
    .action(async (id: string, flags: LogsFlags, cmd: Command) => {
      await withStore(configOf(cmd), (store) => printLogs(store, id, flags, output));
    });
}

async function printLogs(store: Store, id: string, flags: LogsFlags, output: CliOutput): Promise<void> {
  const printer = new TranscriptPrinter(output);
  for (;;) {
    // The operation is read before its attempts, so once it has ended the attempts read next are complete.
    const operation = await requireOperation(store, id);
    const attempts = await store.operations.attempts(id);
    for (const attempt of attempts) printer.print(attempt);
    const ended = FINISHED.has(operation.status) && attempts.every((attempt) => attempt.endedAt !== null);
    if (!flags.follow || ended) return;
    await sleep(flags.intervalMs);
  }
}

/** Prints each attempt's transcript once, and with `-f` only what was added since the last look. */
class TranscriptPrinter {
  readonly #printedChars = new Map<string, number>();
  readonly #closed = new Set<string>();

  constructor(private readonly output: CliOutput) {}

  print(attempt: Attempt): void {
    if (this.#closed.has(attempt.id)) return;
    const printed = this.#printedChars.get(attempt.id);
    if (printed === undefined) this.output.write(`=== attempt ${attempt.number} ===\n`);
    const text = attempt.transcript.slice(printed ?? 0);
    this.output.write(text);
    this.#printedChars.set(attempt.id, attempt.transcript.length);
    if (attempt.outcome === null) return;
    const needsBreak = attempt.transcript.length > 0 && !attempt.transcript.endsWith('\n');
    this.output.write(`${needsBreak ? '\n' : ''}=== attempt ${attempt.number}: ${attempt.outcome}${attempt.errorCode ? ` (${attempt.errorCode})` : ''} ===\n`);
    this.#closed.add(attempt.id);
  }
}
