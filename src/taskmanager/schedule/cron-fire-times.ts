import { CronExpressionParser } from 'cron-parser';
import { validationError } from '../../domain/index.js';

/**
 * Fire times of a cron expression, by `cron-parser`, which reads the expression in the
 * time zone and handles daylight saving: a wall-clock time the spring-forward skips fires
 * once, shifted forward by the gap; a time named explicitly that repeats in autumn fires
 * once, at its first occurrence. Expressions that step through every hour or minute keep
 * stepping in real time across the change.
 */
export function cronTimesAfter(expression: string, timeZone: string, after: number, count: number): number[] {
  const iterator = CronExpressionParser.parse(expression, { tz: timeZone, currentDate: new Date(after) });
  const times: number[] = [];
  while (times.length < count && iterator.hasNext()) times.push(iterator.next().getTime());
  return times;
}

/** Throws `OST_VALIDATION` naming `field` when the expression does not parse. */
export function assertCronExpression(expression: string, timeZone: string, field: string): void {
  try {
    CronExpressionParser.parse(expression, { tz: timeZone, strict: false });
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'unreadable';
    throw validationError(field, `expected a cron expression (minute hour day-of-month month day-of-week): ${reason}`);
  }
}
