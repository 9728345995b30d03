import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { isBuiltInMask } from '../../templates/index.js';
import { parseReasonChanges, parseReasonInput } from '../../taskmanager/index.js';
import { templateFields } from '../../taskmanager/task/template-fields.js';
import type { ApiContext } from '../api-context.js';
import { notFound } from '../not-found.js';
import { auditRequest } from '../request-audit.js';
import { idParams, noContent, pageOf } from '../schemas/common-schemas.js';
import { responses } from '../schemas/responses.js';
import {
  deviceListInput,
  reasonChanges,
  reasonInput,
  reasonView,
  taskChanges,
  taskFieldsQuery,
  taskFieldsView,
  taskInput,
  taskQuery,
  taskUpdateView,
  taskView,
  toReasonView,
  toTaskView,
} from '../schemas/task-manager-schemas.js';
import { taskActorOf, taskManagerOf } from './task-manager-services.js';

const tags = ['task manager'];

/** Reasons and tasks of the Task Manager (DESIGN §6); the services validate against the template. */
export function taskRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  const tm = taskManagerOf(ctx);
  return async (app) => {
    app.get('/reasons', {
      config: { permission: 'task:read' },
      schema: { tags, summary: 'Registered reasons, by name (one page)', response: responses({ 200: pageOf(reasonView) }) },
    }, async () => ({ items: (await ctx.store.taskManager.reasons.list()).map(toReasonView), next: null }));

    app.post('/reasons', {
      config: { permission: 'task:admin' },
      schema: { tags, summary: 'Register a reason', body: reasonInput, response: responses({ 201: reasonView }) },
    }, async (request, reply) => {
      const reason = await ctx.store.taskManager.reasons.create(parseReasonInput(request.body));
      await auditRequest(ctx, request, { action: 'reason.create', objectType: 'reason', objectId: reason.id, changes: { name: reason.name, type: reason.type, enabled: reason.enabled } });
      return reply.status(201).send(toReasonView(reason));
    });

    app.patch('/reasons/:id', {
      config: { permission: 'task:admin' },
      schema: { tags, summary: 'Rename, retype, enable or disable a reason', params: idParams, body: reasonChanges, response: responses({ 200: reasonView }) },
    }, async (request) => {
      const changes = parseReasonChanges(request.body);
      if ((await ctx.store.taskManager.reasons.get(request.params.id)) === null) notFound('reason', request.params.id);
      const reason = await ctx.store.taskManager.reasons.update(request.params.id, changes);
      await auditRequest(ctx, request, { action: 'reason.update', objectType: 'reason', objectId: reason.id, changes: { ...changes } });
      return toReasonView(reason);
    });

    app.get('/tasks', {
      config: { permission: 'task:read' },
      schema: { tags, summary: 'List tasks', querystring: taskQuery, response: responses({ 200: pageOf(taskView) }) },
    }, async (request) => {
      const { limit, after, ...filter } = request.query;
      const page = await tm.tasks.list(filter, { limit, after });
      return { items: page.items.map(toTaskView), next: page.next };
    });

    app.get('/tasks/:id', {
      config: { permission: 'task:read' },
      schema: { tags, summary: 'Show a task', params: idParams, response: responses({ 200: taskView }) },
    }, async (request) => toTaskView(await tm.tasks.get(request.params.id)));

    app.post('/tasks', {
      config: { permission: 'task:write' },
      schema: { tags, summary: 'Register a task; variables are checked against the template', body: taskInput, response: responses({ 201: taskView }) },
    }, async (request, reply) => {
      const task = await tm.tasks.create(request.body, taskActorOf(request));
      await auditRequest(ctx, request, { action: 'task.create', objectType: 'task', objectId: task.id, changes: taskChangesOf(request.body) });
      return reply.status(201).send(toTaskView(task));
    });

    app.patch('/tasks/:id', {
      config: { permission: 'task:write' },
      schema: { tags, summary: 'Change a task; voids its pending approvals', params: idParams, body: taskChanges, response: responses({ 200: taskUpdateView }) },
    }, async (request) => {
      const updated = await tm.tasks.update(request.params.id, request.body, taskActorOf(request));
      await auditRequest(ctx, request, { action: 'task.update', objectType: 'task', objectId: updated.task.id, changes: { ...taskChangesOf(request.body), voidedRunIds: [...updated.voidedRunIds] } });
      return toUpdateView(updated);
    });

    for (const verb of ['add', 'remove'] as const) {
      app.post(`/tasks/:id/devices/${verb}`, {
        config: { permission: 'task:write' },
        schema: { tags, summary: `${verb === 'add' ? 'Add devices to' : 'Remove devices from'} a task; voids its pending approvals`, params: idParams, body: deviceListInput, response: responses({ 200: taskUpdateView }) },
      }, async (request) => {
        const actor = taskActorOf(request);
        const { deviceIds } = request.body;
        const updated = verb === 'add' ? await tm.tasks.addDevices(request.params.id, deviceIds, actor) : await tm.tasks.removeDevices(request.params.id, deviceIds, actor);
        await auditRequest(ctx, request, { action: `task.devices_${verb}`, objectType: 'task', objectId: updated.task.id, changes: { deviceIds: [...deviceIds], voidedRunIds: [...updated.voidedRunIds] } });
        return toUpdateView(updated);
      });
    }

    app.delete('/tasks/:id', {
      config: { permission: 'task:write' },
      schema: { tags, summary: 'Delete a task that never ran and has no schedule', params: idParams, response: responses({ 204: noContent }) },
    }, async (request, reply) => {
      const task = await tm.tasks.get(request.params.id);
      await tm.tasks.delete(task.id);
      await auditRequest(ctx, request, { action: 'task.delete', objectType: 'task', objectId: task.id, changes: { name: task.name } });
      return reply.status(204).send(null);
    });

    app.get('/templates/:id/task-fields', {
      config: { permission: 'task:read' },
      schema: { tags, summary: 'The fields a task form shows for a template: its #@var declarations and the masks to fill', params: idParams, querystring: taskFieldsQuery, response: responses({ 200: taskFieldsView }) },
    }, async (request) => {
      const template = (await ctx.store.templates.get(request.params.id)) ?? notFound('template', request.params.id);
      const versionNumber = request.query.version ?? template.latestVersion;
      const version = (await ctx.store.templates.getVersion(template.id, versionNumber)) ?? notFound('template version', `${template.id}@${versionNumber}`);
      const fields = templateFields(template.executor, version.source);
      return {
        templateId: template.id, version: version.version, type: template.type, executor: template.executor,
        declarations: fields.declarations.map((declaration) => ({ name: declaration.name, pattern: declaration.pattern, label: declaration.label })),
        masks: [...fields.masks],
        variables: fields.masks.filter((mask) => !isBuiltInMask(mask)),
      };
    });
  };
}

/** What a task save records in the audit trail: the names of the fields, variables and devices (nothing secret is in a task). */
function taskChangesOf(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
}

function toUpdateView(updated: Awaited<ReturnType<ReturnType<typeof taskManagerOf>['tasks']['update']>>): z.infer<typeof taskUpdateView> {
  return { task: toTaskView(updated.task), voidedRunIds: [...updated.voidedRunIds], reapprovalScheduleIds: [...updated.reapprovalScheduleIds] };
}
