import type { Command } from 'commander';
import { followTranscript } from '../../outbound/live/follow-transcript.js';
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
  await requireOperation(store, id);
  // The same follower serves the API's live transcript stream (Server-Sent Events).
  let needsBreak = false;
  for await (const update of followTranscript(store, id, { intervalMs: flags.intervalMs, follow: flags.follow ?? false })) {
    if (update.kind === 'attempt') {
      output.write(`=== attempt ${update.attempt} ===\n`);
      needsBreak = false;
    } else if (update.kind === 'output') {
      output.write(update.text);
      needsBreak = !update.text.endsWith('\n');
    } else if (update.kind === 'attempt-end') {
      const code = update.errorCode ? ` (${update.errorCode})` : '';
      output.write(`${needsBreak ? '\n' : ''}=== attempt ${update.attempt}: ${update.outcome}${code} ===\n`);
    }
  }
}
