import type { Command } from 'commander';
import { validationError } from '../../domain/index.js';
import { connectClient } from '../client/client-session.js';
import { printJson, printRecord, printRows, shortTime } from '../client/client-output.js';
import type { OutputFlags } from '../client/client-output.js';
import { integerOption } from '../option-parsers.js';

interface RuleFlags extends OutputFlags {
  readonly cron?: string;
  readonly weekdays?: string;
  readonly hours?: string;
  readonly minute?: number;
  readonly interval?: number;
  readonly tz: string;
}

interface ScheduleLine {
  readonly id: string;
  readonly taskId: string;
  readonly rule: Record<string, unknown>;
  readonly approval: { readonly state: string };
  readonly lastFireAt: string | null;
}

function numbers(option: string, value: string): number[] {
  const list = value.split(',').map((part) => Number(part.trim()));
  if (list.some((n) => !Number.isInteger(n))) throw validationError(option, `expected a comma-separated list of integers, got ${JSON.stringify(value)}`);
  return list;
}

function ruleOf(flags: RuleFlags): Record<string, unknown> {
  if (flags.cron !== undefined) return { kind: 'cron', expression: flags.cron, timeZone: flags.tz };
  if (flags.weekdays === undefined || flags.hours === undefined) throw validationError('--cron', 'expected --cron, or --weekdays and --hours');
  return { kind: 'weekly', weekdays: numbers('--weekdays', flags.weekdays), hours: numbers('--hours', flags.hours), minute: flags.minute, minIntervalHours: flags.interval, timeZone: flags.tz };
}

function withRuleOptions(command: Command): Command {
  return command
    .option('--cron <expression>', 'a cron expression (minute hour day month weekday)')
    .option('--weekdays <list>', 'or: ISO weekdays, 1 = Monday … 7 = Sunday, e.g. 1,2,3,4,5')
    .option('--hours <list>', 'hours of the day, e.g. 8,12,18')
    .option('--minute <m>', 'minute of the hour (default 0)', integerOption('--minute', 0))
    .option('--interval <hours>', 'minimum hours between fires', integerOption('--interval', 0))
    .option('--tz <zone>', 'IANA time zone', 'UTC')
    .option('--json', 'print JSON');
}

const scheduleColumns = {
  SCHEDULE: (schedule: ScheduleLine) => schedule.id,
  TASK: (schedule: ScheduleLine) => schedule.taskId,
  RULE: (schedule: ScheduleLine) => JSON.stringify(schedule.rule),
  STATE: (schedule: ScheduleLine) => schedule.approval.state,
  'LAST FIRE': (schedule: ScheduleLine) => shortTime(schedule.lastFireAt),
};

/** `ostiary tasks schedule|schedules|preview|schedule-…`. */
export function registerTaskSchedules(tasks: Command): void {
  withRuleOptions(tasks.command('schedule <taskId>').description('schedule a task (approved once, where its access group requires)'))
    .option('--grace <minutes>', 'how late a missed fire may still run (default 60)', integerOption('--grace', 0))
    .option('--reason <id>').option('--justification <text>').option('--governance-code <code>')
    .action(async (taskId: string, flags: RuleFlags & { grace?: number; reason?: string; justification?: string; governanceCode?: string }) => {
      const body = { rule: ruleOf(flags), graceMs: flags.grace === undefined ? undefined : flags.grace * 60_000, reasonId: flags.reason, justification: flags.justification, governanceCode: flags.governanceCode };
      printRecord(flags, { ...(await (await connectClient()).send<Record<string, unknown>>('POST', `/tasks/${taskId}/schedules`, body)) });
    });

  withRuleOptions(tasks.command('preview').description('the next fire times of a rule'))
    .option('--count <n>', 'how many', integerOption('--count', 1), 10)
    .action(async (flags: RuleFlags & { count: number }) => {
      const preview = await (await connectClient()).send<{ fireTimes: string[] }>('POST', '/schedules/preview', { rule: ruleOf(flags), count: flags.count });
      if (flags.json === true) return printJson(preview);
      for (const time of preview.fireTimes) console.log(time);
    });

  tasks.command('schedules').description('list schedules').option('--task <id>').option('--json', 'print JSON')
    .action(async (flags: OutputFlags & { task?: string }) => {
      const list = await (await connectClient()).get<{ items: readonly ScheduleLine[] }>('/schedules', { taskId: flags.task });
      printRows(flags, list.items, scheduleColumns, 'no schedules');
    });

  tasks.command('schedule-show <id>').description('a schedule with its next fire times, answers and latest fires (run or missed)')
    .option('--next <n>', 'how many next fire times', integerOption('--next', 1), 5).option('--json', 'print JSON')
    .action(async (id: string, flags: OutputFlags & { next: number }) => {
      const shown = await (await connectClient()).get<{ schedule: ScheduleLine & { nextFires?: string[] }; fires: readonly { fireAt: string; outcome: string; runId: string | null }[] }>(`/schedules/${id}`, { next: flags.next });
      if (flags.json === true) return printJson(shown);
      printRows(flags, [shown.schedule], scheduleColumns, '');
      for (const time of shown.schedule.nextFires ?? []) console.log(`next: ${time}`);
      printRows(flags, shown.fires, { FIRE: (fire) => shortTime(fire.fireAt), OUTCOME: (fire) => fire.outcome, RUN: (fire) => fire.runId ?? '' }, 'no fires yet');
    });

  tasks.command('schedule-cancel <id>').description('cancel a schedule').option('--json', 'print JSON')
    .action(async (id: string, flags: OutputFlags) => printRecord(flags, { ...(await (await connectClient()).send<Record<string, unknown>>('POST', `/schedules/${id}/cancel`)) }));

  for (const answer of ['approve', 'reject'] as const) {
    tasks.command(`schedule-${answer} <id>`).description(`${answer} a schedule`).requiredOption('--justification <text>').option('--json', 'print JSON')
      .action(async (id: string, flags: OutputFlags & { justification: string }) =>
        printRecord(flags, { ...(await (await connectClient()).send<Record<string, unknown>>('POST', `/schedules/${id}/approvals`, { answer, justification: flags.justification })) }));
  }
}
