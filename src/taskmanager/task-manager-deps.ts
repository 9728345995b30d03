import type { Store } from '../store/store.js';

/** What every Task Manager service is built with. */
export interface TaskManagerDeps {
  readonly store: Store;
  /** @defaultValue `Date.now` */
  readonly clock?: () => number;
}

/** Who acts: a user's id (for rules and approvals) and name (for reports and operations). */
export interface Actor {
  readonly id: string;
  readonly name: string;
}

/** The requester scheduled runs and their operations carry (DESIGN §6). */
export const SCHEDULER_REQUESTER = 'Task Manager – Scheduler';
