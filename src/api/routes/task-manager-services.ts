import type { FastifyRequest } from 'fastify';
import { ReportService, RunService, ScheduleService, TaskService } from '../../taskmanager/index.js';
import type { Actor } from '../../taskmanager/index.js';
import type { ApiContext } from '../api-context.js';
import { principalOf } from '../authentication.js';

/** The Task Manager's services over the API's store and clock (DESIGN §6). */
export interface TaskManagerServices {
  readonly tasks: TaskService;
  readonly runs: RunService;
  readonly schedules: ScheduleService;
  readonly reports: ReportService;
}

const built = new WeakMap<ApiContext, TaskManagerServices>();

/** One set of services per API context: they hold no state but the store and the clock. */
export function taskManagerOf(ctx: ApiContext): TaskManagerServices {
  const cached = built.get(ctx);
  if (cached) return cached;
  const deps = { store: ctx.store, clock: ctx.now };
  const services = Object.freeze({ tasks: new TaskService(deps), runs: new RunService(deps), schedules: new ScheduleService(deps), reports: new ReportService(deps) });
  built.set(ctx, services);
  return services;
}

/** The calling user as the Task Manager names it: id for rules and approvals, username for reports. */
export function taskActorOf(request: FastifyRequest): Actor {
  const principal = principalOf(request);
  return { id: principal.userId, name: principal.username };
}
