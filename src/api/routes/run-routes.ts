import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ApiContext } from '../api-context.js';
import { auditRequest } from '../request-audit.js';
import { idParams, pageOf } from '../schemas/common-schemas.js';
import { toOperationView } from '../schemas/operation-schemas.js';
import { responses } from '../schemas/responses.js';
import {
  answerInput,
  inboxView,
  runCreatedView,
  runDetailView,
  runInput,
  runOperationQuery,
  runQuery,
  runView,
  taskOperationView,
  toApprovalView,
  toRunView,
  toScheduleView,
  toTaskOperationView,
} from '../schemas/task-manager-schemas.js';
import { taskActorOf, taskManagerOf } from './task-manager-services.js';

const tags = ['task manager'];

/**
 * Runs of tasks and their approvals (DESIGN §6). Running needs `task:run` and an access group
 * that lets the caller run the task; answering needs `approval:decide` and being an approver
 * of the governing group — never the requester. No view carries a secret: operations name
 * their credential by id only.
 */
export function runRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  const tm = taskManagerOf(ctx);
  return async (app) => {
    app.post('/tasks/:id/runs', {
      config: { permission: 'task:run' },
      schema: { tags, summary: 'Run a task now, with what its access group requires; waits for approval where required', params: idParams, body: runInput, response: responses({ 201: runCreatedView }) },
    }, async (request, reply) => {
      const created = await tm.runs.run(request.params.id, taskActorOf(request), request.body ?? {});
      const { run } = created.run;
      await auditRequest(ctx, request, {
        action: 'task.run', objectType: 'run', objectId: run.id,
        changes: { taskId: run.taskId, reasonId: run.reasonId, justification: run.justification, governanceCode: run.governanceCode, approval: run.approval.state, operations: created.operations.length },
      });
      return reply.status(201).send({ run: toRunView(created.run), operations: created.operations.map(toOperationView) });
    });

    app.get('/runs', {
      config: { permission: 'task:read' },
      schema: { tags, summary: 'Runs with their totals, newest first', querystring: runQuery, response: responses({ 200: pageOf(runView) }) },
    }, async (request) => {
      const { limit, after, from, to, ...filter } = request.query;
      const page = await tm.runs.list({ ...filter, ...(from === undefined ? {} : { createdFrom: from }), ...(to === undefined ? {} : { createdTo: to }) }, { limit, after });
      return { items: page.items.map(toRunView), next: page.next };
    });

    app.get('/runs/:id', {
      config: { permission: 'task:read' },
      schema: { tags, summary: 'A run with its totals and the approvers’ answers', params: idParams, response: responses({ 200: runDetailView }) },
    }, async (request) => {
      const view = await tm.runs.get(request.params.id);
      const approvals = await ctx.store.taskManager.runs.approvals(view.run.id);
      return { run: toRunView(view), approvals: approvals.map(toApprovalView) };
    });

    app.get('/runs/:id/operations', {
      config: { permission: 'task:read' },
      schema: { tags, summary: 'The operations of a run (one per device) with the product’s status labels', params: idParams, querystring: runOperationQuery, response: responses({ 200: pageOf(taskOperationView) }) },
    }, async (request) => {
      const view = await tm.runs.get(request.params.id);
      const { limit, after, status } = request.query;
      const page = await tm.reports.operations({ runId: view.run.id, ...(status === undefined ? {} : { status }) }, { limit, after });
      return { items: page.items.map(toTaskOperationView), next: page.next };
    });

    app.post('/runs/:id/approvals', {
      config: { permission: 'approval:decide' },
      schema: { tags, summary: 'Approve or reject a waiting run, with your own justification (approvers of its access group; never the requester)', params: idParams, body: answerInput, response: responses({ 200: runView }) },
    }, async (request) => {
      const view = await tm.runs.answer(request.params.id, taskActorOf(request), request.body);
      await auditRequest(ctx, request, {
        action: `run.${request.body.answer}`, objectType: 'run', objectId: view.run.id,
        changes: { justification: request.body.justification, approval: view.run.approval.state },
      });
      return toRunView(view);
    });

    app.get('/approvals/inbox', {
      config: { permission: 'approval:decide' },
      schema: { tags, summary: 'Runs and schedules waiting for the caller’s answer, oldest first', response: responses({ 200: inboxView }) },
    }, async (request) => {
      const { id } = taskActorOf(request);
      const [runs, schedules] = await Promise.all([tm.runs.inbox(id), tm.schedules.inbox(id)]);
      return { items: runs.map(toRunView), schedules: schedules.map((schedule) => toScheduleView(schedule)) };
    });
  };
}

