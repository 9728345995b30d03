import type { Command } from 'commander';
import { connectClient } from '../client/client-session.js';
import { printJson, printRecord, printRows } from '../client/client-output.js';
import type { OutputFlags } from '../client/client-output.js';
import { collectVariable, integerOption } from '../option-parsers.js';
import { registerTaskAdmin, registerTaskViews } from './tasks-admin.js';
import { registerTaskApprovals } from './tasks-approvals.js';
import { collect, runColumns, type Page, type RunLine } from './tasks-columns.js';
import { registerTaskReports } from './tasks-reports.js';
import { registerTaskSchedules } from './tasks-schedules.js';

interface TaskLine {
  readonly id: string;
  readonly name: string;
  readonly environment: string | null;
  readonly system: string | null;
  readonly templateVersion: number;
  readonly deviceIds: readonly string[];
}

interface TaskFlags extends OutputFlags {
  readonly name?: string;
  readonly environment?: string;
  readonly system?: string;
  readonly tag?: string[];
  readonly template?: string;
  readonly templateVersion?: number;
  readonly var?: Record<string, string>;
  readonly credential?: string;
  readonly username?: string;
  readonly device?: string[];
}

function withTaskOptions(command: Command): Command {
  return command
    .option('--name <name>', 'unique name')
    .option('--environment <environment>')
    .option('--system <system>')
    .option('--tag <tag>', 'a tag (repeatable)', collect)
    .option('--template <id>', 'template (of type task) id')
    .option('--template-version <n>', 'template version (default: latest)', integerOption('--template-version', 1))
    .option('--var <KEY=VALUE>', 'a task variable (repeatable)', collectVariable)
    .option('--credential <id>', 'one registered credential for every device')
    .option('--username <name>', 'or: look up this username on each device')
    .option('--device <id>', 'a device (repeatable)', collect)
    .option('--json', 'print JSON');
}

function bodyOf(flags: TaskFlags): Record<string, unknown> {
  const credential = flags.credential !== undefined ? { kind: 'credential', credentialId: flags.credential }
    : flags.username !== undefined ? { kind: 'username', username: flags.username } : undefined;
  const body = {
    name: flags.name, environment: flags.environment, system: flags.system, tags: flags.tag, templateId: flags.template,
    templateVersion: flags.templateVersion, variables: flags.var, credential, deviceIds: flags.device,
  };
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
}

const taskColumns = {
  ID: (task: TaskLine) => task.id,
  NAME: (task: TaskLine) => task.name,
  ENVIRONMENT: (task: TaskLine) => task.environment ?? '',
  SYSTEM: (task: TaskLine) => task.system ?? '',
  VERSION: (task: TaskLine) => String(task.templateVersion),
  DEVICES: (task: TaskLine) => String(task.deviceIds.length),
};

/** `ostiary tasks …`: a client of the Task Manager API (needs OSTIARY_URL or `ostiary login`). */
export function registerTasks(program: Command): void {
  const tasks = program.command('tasks').description('Task Manager: tasks, runs, approvals, schedules and reports through the API');
  registerTaskCrud(tasks);
  registerTaskRuns(tasks);
  registerTaskApprovals(tasks);
  registerTaskSchedules(tasks);
  registerTaskReports(tasks);
  registerTaskViews(tasks);
  registerTaskAdmin(tasks);
}

function registerTaskCrud(tasks: Command): void {
  tasks.command('list').description('list tasks')
    .option('--environment <environment>').option('--system <system>').option('--tag <tag>')
    .option('--limit <n>', 'page size', integerOption('--limit', 1), 50).option('--after <cursor>', 'next page').option('--json', 'print JSON')
    .action(async (flags: OutputFlags & { environment?: string; system?: string; tag?: string; limit: number; after?: string }) => {
      const page = await (await connectClient()).get<Page<TaskLine>>('/tasks', { environment: flags.environment, system: flags.system, tag: flags.tag, limit: flags.limit, after: flags.after });
      if (flags.json === true) return printJson(page);
      printRows(flags, page.items, taskColumns, 'no tasks');
      if (page.next !== null) console.log(`more: --after ${page.next}`);
    });

  tasks.command('show <id>').description('show a task').option('--json', 'print JSON')
    .action(async (id: string, flags: OutputFlags) => printRecord(flags, { ...(await (await connectClient()).get<Record<string, unknown>>(`/tasks/${id}`)) }));

  withTaskOptions(tasks.command('create').description('register a task'))
    .action(async (flags: TaskFlags) => printRecord(flags, { ...(await (await connectClient()).send<Record<string, unknown>>('POST', '/tasks', bodyOf(flags))) }));

  withTaskOptions(tasks.command('update <id>').description('change a task (only the options given); voids its pending approvals'))
    .action(async (id: string, flags: TaskFlags) => printRecord(flags, { ...(await (await connectClient()).send<Record<string, unknown>>('PATCH', `/tasks/${id}`, bodyOf(flags))) }));

  for (const [name, verb] of [['add-devices', 'add'], ['remove-devices', 'remove']] as const) {
    tasks.command(`${name} <id>`).description(`${verb} devices of a task`).requiredOption('--device <id>', 'a device (repeatable)', collect).option('--json', 'print JSON')
      .action(async (id: string, flags: OutputFlags & { device: string[] }) => {
        const result = await (await connectClient()).send<Record<string, unknown>>('POST', `/tasks/${id}/devices/${verb}`, { deviceIds: flags.device });
        printRecord(flags, result);
      });
  }

  tasks.command('delete <id>').description('delete a task that never ran')
    .action(async (id: string) => {
      await (await connectClient()).send('DELETE', `/tasks/${id}`);
      console.log(`deleted task ${id}`);
    });
}

function registerTaskRuns(tasks: Command): void {
  tasks.command('run <id>').description('run a task now, with what its access group requires')
    .option('--reason <id>', 'a registered reason').option('--justification <text>').option('--governance-code <code>').option('--json', 'print JSON')
    .action(async (id: string, flags: OutputFlags & { reason?: string; justification?: string; governanceCode?: string }) => {
      const body = { reasonId: flags.reason, justification: flags.justification, governanceCode: flags.governanceCode };
      const created = await (await connectClient()).send<{ run: RunLine; operations: readonly { id: string; deviceId: string; statusLabel: string }[] }>('POST', `/tasks/${id}/runs`, body);
      if (flags.json === true) return printJson(created);
      printRows(flags, [created.run], runColumns, '');
      printRows(flags, created.operations, { OPERATION: (op) => op.id, DEVICE: (op) => op.deviceId, STATUS: (op) => op.statusLabel }, '');
    });

  tasks.command('runs').description('list runs with their totals')
    .option('--task <id>').option('--limit <n>', 'page size', integerOption('--limit', 1), 50).option('--after <cursor>', 'next page').option('--json', 'print JSON')
    .action(async (flags: OutputFlags & { task?: string; limit: number; after?: string }) => {
      const page = await (await connectClient()).get<Page<RunLine>>('/runs', { taskId: flags.task, limit: flags.limit, after: flags.after });
      if (flags.json === true) return printJson(page);
      printRows(flags, page.items, runColumns, 'no runs');
      if (page.next !== null) console.log(`more: --after ${page.next}`);
    });

  tasks.command('run-show <runId>').description('show a run, its totals and approvals').option('--json', 'print JSON')
    .action(async (runId: string, flags: OutputFlags) => {
      const shown = await (await connectClient()).get<{ run: RunLine; approvals: readonly { approverName: string; answer: string; justification: string; decidedAt: string }[] }>(`/runs/${runId}`);
      if (flags.json === true) return printJson(shown);
      printRows(flags, [shown.run], runColumns, '');
      printRows(flags, shown.approvals, { APPROVER: (a) => a.approverName, ANSWER: (a) => a.answer, JUSTIFICATION: (a) => a.justification, DECIDED: (a) => a.decidedAt }, 'no answers yet');
    });
}
