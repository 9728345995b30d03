import { DateTime } from 'luxon';
import type { ChangeWindow } from './rotation-policy.js';

const HOUR_MS = 3_600_000;
/** A window allows at least one hour a week: a week plus a day of hours covers any DST shift. */
const MAX_HOURS_AHEAD = 8 * 24;

/** Whether an automatic change may start at `at` (epoch ms); no window means any time. */
export function isInWindow(window: ChangeWindow | null, at: number): boolean {
  if (window === null) return true;
  const local = DateTime.fromMillis(at, { zone: window.timeZone });
  return window.weekdays.includes(local.weekday) && window.hours.includes(local.hour);
}

/**
 * The first instant at or after `from` when the window is open: `from` itself when it is
 * open now, else the start of the next allowed hour in the window's zone. Walking hour by
 * hour in real time (not wall-clock arithmetic) makes daylight-saving changes harmless.
 */
export function nextWindowStart(window: ChangeWindow | null, from: number): number {
  if (isInWindow(window, from)) return from;
  let hourStart = DateTime.fromMillis(from, { zone: window?.timeZone ?? 'UTC' }).startOf('hour').toMillis();
  for (let step = 0; step < MAX_HOURS_AHEAD; step += 1) {
    hourStart += HOUR_MS;
    if (isInWindow(window, hourStart)) return hourStart;
  }
  // Unreachable for a validated window (at least one weekday and one hour); never block forever.
  return from;
}
