/** How long after its time a fire may still run. @defaultValue 1 hour */
export const DEFAULT_GRACE_MS = 3_600_000;

/** What to do with the fires that came due since the scheduler last looked. */
export interface DueFirePlan {
  /** The one fire to run now, or `null`. */
  readonly run: number | null;
  /** Fires recorded as missed (shown in reports), ascending. */
  readonly missed: readonly number[];
}

/**
 * The missed-fire policy. Of the due fires (ascending, all ≤ now), only the latest may run,
 * and only while `now` is within `graceMs` of it: a scheduler that was down for a day runs
 * the task once, not once per missed slot, and never runs yesterday's fire today. Every
 * other due fire is recorded as missed.
 */
export function planDueFires(due: readonly number[], now: number, graceMs: number = DEFAULT_GRACE_MS): DueFirePlan {
  const latest = due.at(-1);
  if (latest === undefined) return { run: null, missed: [] };
  if (now - latest <= graceMs) return { run: latest, missed: due.slice(0, -1) };
  return { run: null, missed: [...due] };
}
