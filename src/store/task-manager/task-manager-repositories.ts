import type { StoreContext } from '../store-context.js';
import type { TaskManagerStore } from '../task-manager-store.js';
import { createAccessGroupRepository } from './access-group-repository.js';
import { createReasonRepository } from './reason-repository.js';
import { createTaskReportQueries } from './report-queries.js';
import { createRunRepository } from './run-repository.js';
import { createScheduleRepository } from './schedule-repository.js';
import { createTaskRepository } from './task-repository.js';

/** The Task Manager's repositories over one store context. */
export function createTaskManagerStore(ctx: StoreContext): TaskManagerStore {
  return Object.freeze({
    reasons: createReasonRepository(ctx),
    tasks: createTaskRepository(ctx),
    accessGroups: createAccessGroupRepository(ctx),
    runs: createRunRepository(ctx),
    schedules: createScheduleRepository(ctx),
    reports: createTaskReportQueries(ctx),
  });
}
