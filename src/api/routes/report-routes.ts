import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiContext } from '../api-context.js';
import { idParams, pageOf } from '../schemas/common-schemas.js';
import { responses } from '../schemas/responses.js';
import {
  dashboardQuery,
  dashboardView,
  taskAttemptView,
  taskOperationQuery,
  taskOperationView,
  toDashboardView,
  toTaskAttemptView,
  toTaskOperationView,
  toUsageView,
  usageQuery,
  usageView,
} from '../schemas/task-manager-schemas.js';
import { taskManagerOf } from './task-manager-services.js';

const tags = ['task manager'];

/** The Task Manager's reports (DESIGN §6); runs with their totals are `GET /runs`. */
export function taskReportRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  const tm = taskManagerOf(ctx);
  return async (app) => {
    app.get('/task-reports/operations', {
      config: { permission: 'task:read' },
      schema: { tags, summary: 'Operations of task runs by task, run, status, device and date, with the product’s status labels', querystring: taskOperationQuery, response: responses({ 200: pageOf(taskOperationView) }) },
    }, async (request) => {
      const { limit, after, from, to, ...filter } = request.query;
      const page = await tm.reports.operations({ ...filter, ...(from === undefined ? {} : { createdFrom: from }), ...(to === undefined ? {} : { createdTo: to }) }, { limit, after });
      return { items: page.items.map(toTaskOperationView), next: page.next };
    });

    app.get('/task-reports/operations/:id/attempts', {
      config: { permission: 'task:read' },
      schema: { tags, summary: 'Every attempt of a task operation with its redacted log', params: idParams, response: responses({ 200: pageOf(taskAttemptView) }) },
    }, async (request) => ({ items: (await tm.reports.attempts(request.params.id)).map(toTaskAttemptView), next: null }));

    app.get('/task-reports/users', {
      config: { permission: 'task:read' },
      schema: { tags, summary: 'Who ran which task, how often and when last', querystring: usageQuery, response: responses({ 200: z.object({ items: z.array(usageView) }) }) },
    }, async (request) => ({ items: (await tm.reports.usersByTask(request.query.taskId)).map(toUsageView) }));

    app.get('/task-reports/dashboard', {
      config: { permission: 'task:read' },
      schema: { tags, summary: 'Figures for a date range: successes and errors, by environment, system, origin; most-used tasks and devices', querystring: dashboardQuery, response: responses({ 200: dashboardView }) },
    }, async (request) => toDashboardView(await tm.reports.dashboard(request.query.from, request.query.to, request.query.top)));
  };
}
