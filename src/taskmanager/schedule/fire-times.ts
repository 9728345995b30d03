import { cronTimesAfter } from './cron-fire-times.js';
import type { ScheduleRule } from './schedule-rule.js';
import { nextWeeklyFire } from './weekly-fire-times.js';

/** Largest preview a caller may ask for. */
export const MAX_PREVIEW = 500;

export interface FireTimesOptions {
  /**
   * The schedule's last fire (run or missed), from which a weekly rule's minimum interval
   * counts. `null` when it never fired. @defaultValue null
   */
  readonly previousFire?: number | null;
}

/**
 * The next `count` fire times strictly after `after` (epoch ms, ascending). The sequence is
 * a pure function of the rule and the previous fire, so every node computes the same one.
 */
export function nextFireTimes(rule: ScheduleRule, after: number, count: number, options: FireTimesOptions = {}): number[] {
  const n = Math.max(0, Math.min(MAX_PREVIEW, Math.floor(count)));
  if (rule.kind === 'cron') return cronTimesAfter(rule.expression, rule.timeZone, after, n);
  const times: number[] = [];
  let previous = options.previousFire ?? null;
  let cursor = after;
  while (times.length < n) {
    const next = nextWeeklyFire(rule, cursor, previous);
    if (next === null) break;
    times.push(next);
    previous = next;
    cursor = next;
  }
  return times;
}

/** Every fire after `after` and at or before `until`, at most `limit` of them. */
export function fireTimesBetween(rule: ScheduleRule, after: number, until: number, limit: number, options: FireTimesOptions = {}): number[] {
  const times: number[] = [];
  let cursor = after;
  let previous = options.previousFire ?? null;
  while (times.length < limit) {
    const [next] = nextFireTimes(rule, cursor, 1, { previousFire: previous });
    if (next === undefined || next > until) break;
    times.push(next);
    previous = next;
    cursor = next;
  }
  return times;
}
