import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { assertPermission } from '../../auth/principal.js';
import { previewFireTimes } from '../../taskmanager/index.js';
import type { ApiContext } from '../api-context.js';
import { principalOf } from '../authentication.js';
import { auditRequest } from '../request-audit.js';
import { idParams, iso, pageOf, pageQuery } from '../schemas/common-schemas.js';
import { responses } from '../schemas/responses.js';
import {
  answerInput,
  fireView,
  previewInput,
  previewView,
  scheduleDetailQuery,
  scheduleDetailView,
  scheduleInput,
  scheduleListQuery,
  scheduleView,
  toApprovalView,
  toFireView,
  toScheduleView,
} from '../schemas/task-manager-schemas.js';
import { taskActorOf, taskManagerOf } from './task-manager-services.js';

const tags = ['task manager'];
const DEFAULT_NEXT_FIRES = 5;

/**
 * Schedules (DESIGN §6): created by a user an access group allows (approved once when its
 * rules ask), fired by the scheduler running beside the engine, cancelled at any time by
 * their requester or a `task:write` holder.
 */
export function scheduleRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  const tm = taskManagerOf(ctx);
  return async (app) => {
    app.post('/tasks/:id/schedules', {
      config: { permission: 'task:run' },
      schema: { tags, summary: 'Schedule a task: weekdays × hours × minimum interval in a time zone, or cron', params: idParams, body: scheduleInput, response: responses({ 201: scheduleView }) },
    }, async (request, reply) => {
      const schedule = await tm.schedules.create(request.params.id, taskActorOf(request), request.body);
      await auditRequest(ctx, request, {
        action: 'schedule.create', objectType: 'schedule', objectId: schedule.id,
        changes: { taskId: schedule.taskId, rule: { ...schedule.rule }, graceMs: schedule.graceMs, reasonId: schedule.reasonId, justification: schedule.justification, governanceCode: schedule.governanceCode, approval: schedule.approval.state },
      });
      return reply.status(201).send(toScheduleView(schedule, await nextFiresOf(tm, schedule.id, schedule.approval.state, DEFAULT_NEXT_FIRES)));
    });

    app.get('/schedules', {
      config: { permission: 'task:read' },
      schema: { tags, summary: 'List schedules (one page)', querystring: scheduleListQuery, response: responses({ 200: pageOf(scheduleView) }) },
    }, async (request) => {
      const { taskId, state } = request.query;
      const schedules = await tm.schedules.list({ ...(taskId === undefined ? {} : { taskId }), ...(state === undefined ? {} : { state }) });
      return { items: schedules.map((schedule) => toScheduleView(schedule)), next: null };
    });

    app.post('/schedules/preview', {
      config: { permission: 'task:read' },
      schema: { tags, summary: 'The next fire times of a rule, without saving it', body: previewInput, response: responses({ 200: previewView }) },
    }, async (request) => {
      const from = request.body.from === undefined ? ctx.now() : Date.parse(request.body.from);
      return { fireTimes: previewFireTimes(request.body.rule, from, request.body.count ?? 10).map(iso) };
    });

    app.get('/schedules/:id', {
      config: { permission: 'task:read' },
      schema: { tags, summary: 'A schedule with its next fire times (approved ones), the approvers’ answers and its latest fires', params: idParams, querystring: scheduleDetailQuery, response: responses({ 200: scheduleDetailView }) },
    }, async (request) => {
      const schedule = await tm.schedules.get(request.params.id);
      const [nextFires, approvals, fires] = await Promise.all([
        nextFiresOf(tm, schedule.id, schedule.approval.state, request.query.next ?? DEFAULT_NEXT_FIRES),
        ctx.store.taskManager.schedules.approvals(schedule.id),
        tm.schedules.fires(schedule.id, { limit: 20 }),
      ]);
      return { schedule: toScheduleView(schedule, nextFires), approvals: approvals.map(toApprovalView), fires: fires.items.map(toFireView) };
    });

    app.get('/schedules/:id/fires', {
      config: { permission: 'task:read' },
      schema: { tags, summary: 'Fires handled, run or missed, newest first', params: idParams, querystring: pageQuery, response: responses({ 200: pageOf(fireView) }) },
    }, async (request) => {
      const schedule = await tm.schedules.get(request.params.id);
      const page = await tm.schedules.fires(schedule.id, request.query);
      return { items: page.items.map(toFireView), next: page.next };
    });

    app.post('/schedules/:id/cancel', {
      config: { permission: 'task:run' },
      schema: { tags, summary: 'Cancel a schedule (your own; another user’s needs task:write)', params: idParams, response: responses({ 200: scheduleView }) },
    }, async (request) => {
      const principal = principalOf(request);
      const current = await tm.schedules.get(request.params.id);
      if (current.requesterId !== principal.userId) assertPermission(principal, 'task:write');
      const schedule = await tm.schedules.cancel(current.id, taskActorOf(request));
      await auditRequest(ctx, request, { action: 'schedule.cancel', objectType: 'schedule', objectId: schedule.id, changes: { taskId: schedule.taskId } });
      return toScheduleView(schedule);
    });

    app.post('/schedules/:id/approvals', {
      config: { permission: 'approval:decide' },
      schema: { tags, summary: 'Approve or reject a waiting schedule, with your own justification (never its requester)', params: idParams, body: answerInput, response: responses({ 200: scheduleView }) },
    }, async (request) => {
      const schedule = await tm.schedules.answer(request.params.id, taskActorOf(request), request.body);
      await auditRequest(ctx, request, {
        action: `schedule.${request.body.answer}`, objectType: 'schedule', objectId: schedule.id,
        changes: { justification: request.body.justification, approval: schedule.approval.state },
      });
      return toScheduleView(schedule, await nextFiresOf(tm, schedule.id, schedule.approval.state, DEFAULT_NEXT_FIRES));
    });
  };
}

/** Only an approved schedule fires; the others have no next fire to show. */
async function nextFiresOf(tm: ReturnType<typeof taskManagerOf>, id: string, state: string, count: number): Promise<number[] | undefined> {
  return state === 'approved' ? tm.schedules.nextFires(id, count) : undefined;
}
