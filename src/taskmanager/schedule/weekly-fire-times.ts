import { DateTime } from 'luxon';
import type { WeeklyRule } from './schedule-rule.js';

const HOUR_MS = 3_600_000;
/** Far enough to find the next slot of any valid rule (a year plus the longest interval). */
const MAX_DAYS_AHEAD = 2 * 366 + 7;

/**
 * The instant a wall-clock time stands for in a zone, with daylight saving decided here:
 * - a time the spring-forward skips (02:30 in Berlin on the last Sunday of March) becomes
 *   the instant Luxon shifts it to — forward by the gap (03:30) — so it fires once, late;
 * - a time that happens twice in autumn takes its first occurrence, so it fires once.
 */
export function wallClockInstant(date: DateTime, hour: number, minute: number): number {
  const local = date.set({ hour, minute, second: 0, millisecond: 0 });
  return Math.min(...local.getPossibleOffsets().map((candidate) => candidate.toMillis()));
}

/** The slots of one calendar day (in the rule's zone), ascending, without repeats. */
function slotsOfDay(rule: WeeklyRule, day: DateTime): number[] {
  if (!rule.weekdays.includes(day.weekday as WeeklyRule['weekdays'][number])) return [];
  // A skipped hour shifted forward may land on the next listed hour: both are one fire.
  return [...new Set(rule.hours.map((hour) => wallClockInstant(day, hour, rule.minute)))].sort((a, b) => a - b);
}

/** The first slot at or after `notBefore`, or `null` when none comes within two years. */
export function firstSlotAtOrAfter(rule: WeeklyRule, notBefore: number): number | null {
  let day = DateTime.fromMillis(notBefore, { zone: rule.timeZone }).startOf('day');
  for (let i = 0; i < MAX_DAYS_AHEAD; i += 1, day = day.plus({ days: 1 }).startOf('day')) {
    const slot = slotsOfDay(rule, day).find((instant) => instant >= notBefore);
    if (slot !== undefined) return slot;
  }
  return null;
}

/**
 * The fire after `after` (exclusive): the first slot later than `after` and, when there was
 * a previous fire, at least `minIntervalHours` after it (measured in real hours, so a DST
 * change neither shortens nor stretches the interval).
 */
export function nextWeeklyFire(rule: WeeklyRule, after: number, previousFire: number | null): number | null {
  const intervalEnd = previousFire === null ? -Infinity : previousFire + rule.minIntervalHours * HOUR_MS;
  return firstSlotAtOrAfter(rule, Math.max(after + 1, intervalEnd));
}
