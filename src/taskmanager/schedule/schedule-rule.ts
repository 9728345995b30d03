import { IANAZone } from 'luxon';
import { z } from 'zod';
import { assertCronExpression } from './cron-fire-times.js';
import { parseInput } from '../../domain/index.js';

/** ISO weekday numbers: 1 = Monday … 7 = Sunday. */
export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * Fires on the listed weekdays at the listed hours of the day (at `minute`), wall-clock time
 * in `timeZone`, never sooner than `minIntervalHours` after the previous fire.
 */
export interface WeeklyRule {
  readonly kind: 'weekly';
  readonly weekdays: readonly Weekday[];
  /** 0..23, sorted, without repeats. */
  readonly hours: readonly number[];
  /** @defaultValue 0 */
  readonly minute: number;
  /** 0 fires at every listed hour. @defaultValue 0 */
  readonly minIntervalHours: number;
  /** IANA name, e.g. `Europe/Berlin`. */
  readonly timeZone: string;
}

/** A 5-field (or 6-field, with seconds) cron expression read in `timeZone`. */
export interface CronRule {
  readonly kind: 'cron';
  readonly expression: string;
  readonly timeZone: string;
}

export type ScheduleRule = WeeklyRule | CronRule;

const timeZone = z.string().refine((name) => IANAZone.isValidZone(name), 'expected an IANA time zone such as Europe/Berlin');
const sortedUnique = <T extends number>(values: readonly T[]): T[] => [...new Set(values)].sort((a, b) => a - b);

const weeklySchema = z.object({
  kind: z.literal('weekly'),
  weekdays: z.array(z.number().int().min(1).max(7)).min(1, 'expected at least one weekday (1 = Monday … 7 = Sunday)'),
  hours: z.array(z.number().int().min(0).max(23)).min(1, 'expected at least one hour of the day (0..23)'),
  minute: z.number().int().min(0).max(59).default(0),
  minIntervalHours: z.number().min(0).max(24 * 366).default(0),
  timeZone,
}).strict();

const cronSchema = z.object({
  kind: z.literal('cron'),
  expression: z.string().trim().min(1, 'expected a cron expression').max(200),
  timeZone,
}).strict();

const ruleSchema = z.discriminatedUnion('kind', [weeklySchema, cronSchema], { error: 'expected kind weekly or cron' });

/** Validates a schedule rule at the door (errors name the field) and freezes it. */
export function parseScheduleRule(input: unknown, field = 'schedule.rule'): ScheduleRule {
  const rule = parseInput(ruleSchema, input, field);
  if (rule.kind === 'cron') {
    assertCronExpression(rule.expression, rule.timeZone, `${field}.expression`);
    return Object.freeze({ ...rule });
  }
  return Object.freeze({
    ...rule,
    weekdays: Object.freeze(sortedUnique(rule.weekdays as Weekday[])),
    hours: Object.freeze(sortedUnique(rule.hours)),
  });
}
