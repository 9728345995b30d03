import type { Command } from 'commander';
import { connectClient } from '../client/client-session.js';
import { printJson, printRows } from '../client/client-output.js';
import type { OutputFlags } from '../client/client-output.js';
import { runColumns, type RunLine } from './tasks-columns.js';

/** `ostiary tasks inbox|approve|reject`: the approver's side. */
export function registerTaskApprovals(tasks: Command): void {
  tasks.command('inbox').description('runs and schedules waiting for my approval').option('--json', 'print JSON')
    .action(async (flags: OutputFlags) => {
      const inbox = await (await connectClient()).get<{ items: readonly RunLine[]; schedules: readonly { id: string; taskId: string; requesterName: string; rule: unknown }[] }>('/approvals/inbox');
      if (flags.json === true) return printJson(inbox);
      printRows(flags, inbox.items, runColumns, 'no run waits for your approval');
      if (inbox.schedules.length > 0) {
        printRows(flags, inbox.schedules, { SCHEDULE: (s) => s.id, TASK: (s) => s.taskId, REQUESTER: (s) => s.requesterName, RULE: (s) => JSON.stringify(s.rule) }, '');
      }
    });

  for (const answer of ['approve', 'reject'] as const) {
    tasks.command(`${answer} <runId>`).description(`${answer} a run (with your own justification)`)
      .requiredOption('--justification <text>', 'why').option('--json', 'print JSON')
      .action(async (runId: string, flags: OutputFlags & { justification: string }) => {
        const run = await (await connectClient()).send<RunLine>('POST', `/runs/${runId}/approvals`, { answer, justification: flags.justification });
        if (flags.json === true) return printJson(run);
        printRows(flags, [run], runColumns, '');
      });
  }
}
