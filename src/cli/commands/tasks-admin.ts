import type { Command } from 'commander';
import { connectClient } from '../client/client-session.js';
import { printJson, printRecord, printRows, shortTime } from '../client/client-output.js';
import type { OutputFlags } from '../client/client-output.js';
import { collectStatuses, integerOption } from '../option-parsers.js';
import { collect, type Page } from './tasks-columns.js';

interface ReasonLine {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly enabled: boolean;
}

interface GroupLine {
  readonly id: string;
  readonly name: string;
  readonly users: readonly string[];
  readonly approvers: readonly string[];
  readonly rules: { readonly approvalsRequired: number };
  readonly enabled: boolean;
}

interface GroupFlags extends OutputFlags {
  readonly name?: string;
  readonly user?: string[];
  readonly approver?: string[];
  readonly environment?: string[];
  readonly system?: string[];
  readonly device?: string[];
  readonly reasonRequired?: boolean;
  readonly justificationRequired?: boolean;
  readonly governanceCodeRequired?: boolean;
  readonly approvals?: number;
  readonly rejections?: number;
  readonly lifetimeHours?: number;
  readonly enabled?: boolean;
}

const defined = (entries: Record<string, unknown>) => Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined));

function groupBody(flags: GroupFlags): Record<string, unknown> {
  const criteria = defined({ environments: flags.environment, systems: flags.system, deviceIds: flags.device });
  const rules = defined({
    reasonRequired: flags.reasonRequired, justificationRequired: flags.justificationRequired, governanceCodeRequired: flags.governanceCodeRequired,
    approvalsRequired: flags.approvals, rejectionsToDeny: flags.rejections, approvalLifetimeMs: flags.lifetimeHours === undefined ? undefined : flags.lifetimeHours * 3_600_000,
  });
  return defined({
    name: flags.name, users: flags.user, approvers: flags.approver, enabled: flags.enabled,
    criteria: Object.keys(criteria).length === 0 ? undefined : criteria, rules: Object.keys(rules).length === 0 ? undefined : rules,
  });
}

function withGroupOptions(command: Command): Command {
  return command
    .option('--name <name>', 'unique name')
    .option('--user <userId>', 'a user who may run the tasks the criteria select (repeatable)', collect)
    .option('--approver <userId>', 'a user who may approve or reject (repeatable)', collect)
    .option('--environment <environment>', 'criteria: an environment (repeatable; none = any)', collect)
    .option('--system <system>', 'criteria: a system (repeatable; none = any)', collect)
    .option('--device <deviceId>', 'criteria: a device (repeatable; none = any)', collect)
    .option('--reason-required', 'runs need a registered reason (the default)').option('--no-reason-required', 'runs need no reason')
    .option('--justification-required', 'runs need a justification').option('--no-justification-required', 'runs need no justification')
    .option('--governance-code-required', 'runs need a governance code').option('--no-governance-code-required', 'runs need no governance code')
    .option('--approvals <n>', 'approvals required (0 = none)', integerOption('--approvals', 0))
    .option('--rejections <m>', 'rejections that deny', integerOption('--rejections', 1))
    .option('--lifetime-hours <h>', 'how long a request waits for its approvals', integerOption('--lifetime-hours', 1))
    .option('--enabled', 'the group applies (the default)').option('--no-enabled', 'the group is kept but applies to nobody')
    .option('--json', 'print JSON');
}

const groupColumns = {
  ID: (group: GroupLine) => group.id,
  NAME: (group: GroupLine) => group.name,
  USERS: (group: GroupLine) => String(group.users.length),
  APPROVERS: (group: GroupLine) => String(group.approvers.length),
  APPROVALS: (group: GroupLine) => String(group.rules.approvalsRequired),
  ENABLED: (group: GroupLine) => (group.enabled ? 'yes' : 'no'),
};

/** `ostiary tasks reasons|reason-…|groups|group-…`: what admins (`task:admin`) manage. */
export function registerTaskAdmin(tasks: Command): void {
  tasks.command('reasons').description('registered reasons').option('--json', 'print JSON')
    .action(async (flags: OutputFlags) => {
      const page = await (await connectClient()).get<Page<ReasonLine>>('/reasons');
      printRows(flags, page.items, { ID: (r) => r.id, NAME: (r) => r.name, TYPE: (r) => r.type, ENABLED: (r) => (r.enabled ? 'yes' : 'no') }, 'no reasons');
    });

  tasks.command('reason-create').description('register a reason').requiredOption('--name <name>', 'unique name')
    .option('--type <type>', 'task_execution, file_download or all', 'task_execution').option('--disabled', 'registered disabled').option('--json', 'print JSON')
    .action(async (flags: OutputFlags & { name: string; type: string; disabled?: boolean }) =>
      printRecord(flags, await (await connectClient()).send<Record<string, unknown>>('POST', '/reasons', { name: flags.name, type: flags.type, enabled: flags.disabled !== true })));

  tasks.command('reason-update <id>').description('rename, retype, enable or disable a reason')
    .option('--name <name>', 'new name').option('--type <type>', 'task_execution, file_download or all').option('--enabled', 'enable').option('--no-enabled', 'disable').option('--json', 'print JSON')
    .action(async (id: string, flags: OutputFlags & { name?: string; type?: string; enabled?: boolean }) =>
      printRecord(flags, await (await connectClient()).send<Record<string, unknown>>('PATCH', `/reasons/${id}`, defined({ name: flags.name, type: flags.type, enabled: flags.enabled }))));

  tasks.command('groups').description('access groups').option('--json', 'print JSON')
    .action(async (flags: OutputFlags) => printRows(flags, (await (await connectClient()).get<Page<GroupLine>>('/access-groups')).items, groupColumns, 'no access groups'));

  tasks.command('group-show <id>').description('show an access group').option('--json', 'print JSON')
    .action(async (id: string, flags: OutputFlags) => printRecord(flags, await (await connectClient()).get<Record<string, unknown>>(`/access-groups/${id}`)));

  withGroupOptions(tasks.command('group-create').description('create an access group: who may run which tasks, who approves, with which rules'))
    .action(async (flags: GroupFlags) => printRecord(flags, await (await connectClient()).send<Record<string, unknown>>('POST', '/access-groups', groupBody(flags))));

  withGroupOptions(tasks.command('group-update <id>').description('change an access group (the options given replace their fields)'))
    .action(async (id: string, flags: GroupFlags) => printRecord(flags, await (await connectClient()).send<Record<string, unknown>>('PATCH', `/access-groups/${id}`, groupBody(flags))));

  tasks.command('group-delete <id>').description('delete an access group')
    .action(async (id: string) => {
      await (await connectClient()).send('DELETE', `/access-groups/${id}`);
      console.log(`deleted access group ${id}`);
    });
}

interface OperationRow {
  readonly operation: { readonly id: string; readonly attemptCount: number; readonly lastErrorMessage: string | null };
  readonly deviceName: string | null;
  readonly statusLabel: string;
}

interface AttemptLine {
  readonly number: number;
  readonly outcome: string | null;
  readonly startedAt: string;
  readonly message: string | null;
  readonly transcript: string;
}

/** `ostiary tasks fields|run-operations|logs|users`: what a form, a run and its devices show. */
export function registerTaskViews(tasks: Command): void {
  tasks.command('fields <templateId>').description('the variables a task of this template needs (#@var declarations and masks)')
    .option('--version <n>', 'template version (default: latest)', integerOption('--version', 1)).option('--json', 'print JSON')
    .action(async (templateId: string, flags: OutputFlags & { version?: number }) =>
      printRecord(flags, await (await connectClient()).get<Record<string, unknown>>(`/templates/${templateId}/task-fields`, { version: flags.version })));

  tasks.command('run-operations <runId>').description('the operations of a run, one per device, with their status')
    .option('--status <list>', 'statuses, comma-separated (repeatable)', collectStatuses)
    .option('--limit <n>', 'page size', integerOption('--limit', 1), 50).option('--after <cursor>', 'next page').option('--json', 'print JSON')
    .action(async (runId: string, flags: OutputFlags & { status?: string[]; limit: number; after?: string }) => {
      const page = await (await connectClient()).get<Page<OperationRow>>(`/runs/${runId}/operations`, { status: flags.status?.join(','), limit: flags.limit, after: flags.after });
      if (flags.json === true) return printJson(page);
      printRows(flags, page.items, {
        OPERATION: (row) => row.operation.id, DEVICE: (row) => row.deviceName ?? '', STATUS: (row) => row.statusLabel,
        ATTEMPTS: (row) => String(row.operation.attemptCount), MESSAGE: (row) => row.operation.lastErrorMessage ?? '',
      }, 'no operations');
      if (page.next !== null) console.log(`more: --after ${page.next}`);
    });

  tasks.command('logs <operationId>').description('every attempt of a task operation with its (redacted) log').option('--json', 'print JSON')
    .action(async (operationId: string, flags: OutputFlags) => {
      const page = await (await connectClient()).get<Page<AttemptLine>>(`/task-reports/operations/${operationId}/attempts`);
      if (flags.json === true) return printJson(page);
      if (page.items.length === 0) return void console.log('no attempts yet');
      for (const attempt of page.items) {
        console.log(`--- attempt ${attempt.number} (${attempt.outcome ?? 'running'}) ${shortTime(attempt.startedAt)}${attempt.message ? `: ${attempt.message}` : ''}`);
        process.stdout.write(attempt.transcript.endsWith('\n') || attempt.transcript === '' ? attempt.transcript : `${attempt.transcript}\n`);
      }
    });

  tasks.command('users').description('who ran which task, how often, when last').option('--task <id>', 'only this task').option('--json', 'print JSON')
    .action(async (flags: OutputFlags & { task?: string }) => {
      const list = await (await connectClient()).get<{ items: readonly { taskName: string; requesterName: string; runs: number; lastRunAt: string }[] }>('/task-reports/users', { taskId: flags.task });
      printRows(flags, list.items, { TASK: (row) => row.taskName, USER: (row) => row.requesterName, RUNS: (row) => String(row.runs), 'LAST RUN': (row) => shortTime(row.lastRunAt) }, 'no runs');
    });
}
