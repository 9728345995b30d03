import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { validationError } from '../../domain/index.js';
import type { AccessGroupRecord, NewAccessGroup } from '../../store/task-manager-store.js';
import { parseAccessGroup } from '../../taskmanager/index.js';
import type { ApiContext } from '../api-context.js';
import { notFound } from '../not-found.js';
import { auditRequest } from '../request-audit.js';
import { idParams, noContent, pageOf } from '../schemas/common-schemas.js';
import { responses } from '../schemas/responses.js';
import { accessGroupChanges, accessGroupInput, accessGroupView, toAccessGroupView } from '../schemas/task-manager-schemas.js';

const tags = ['task manager'];

/**
 * Access groups (DESIGN §6): who may run which tasks, who approves, with which rules. They,
 * not a permission, decide who may approve a run; `task:admin` manages them.
 */
export function accessGroupRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/access-groups', {
      config: { permission: 'task:read' },
      schema: { tags, summary: 'Every access group, by name (one page)', response: responses({ 200: pageOf(accessGroupView) }) },
    }, async () => ({ items: (await ctx.store.taskManager.accessGroups.list()).map(toAccessGroupView), next: null }));

    app.get('/access-groups/:id', {
      config: { permission: 'task:read' },
      schema: { tags, summary: 'Show an access group', params: idParams, response: responses({ 200: accessGroupView }) },
    }, async (request) => toAccessGroupView(await existingGroup(ctx, request.params.id)));

    app.post('/access-groups', {
      config: { permission: 'task:admin' },
      schema: { tags, summary: 'Create an access group (users, approvers, criteria, rules)', body: accessGroupInput, response: responses({ 201: accessGroupView }) },
    }, async (request, reply) => {
      const group = await ctx.store.taskManager.accessGroups.create(await checkedGroup(ctx, request.body));
      await auditRequest(ctx, request, { action: 'access_group.create', objectType: 'access_group', objectId: group.id, changes: changesOf(group) });
      return reply.status(201).send(toAccessGroupView(group));
    });

    app.patch('/access-groups/:id', {
      config: { permission: 'task:admin' },
      schema: { tags, summary: 'Change an access group (the fields given replace theirs)', params: idParams, body: accessGroupChanges, response: responses({ 200: accessGroupView }) },
    }, async (request) => {
      const current = await existingGroup(ctx, request.params.id);
      const { id: _id, createdAt: _createdAt, updatedAt: _updatedAt, ...fields } = current;
      const merged = { ...fields, ...request.body, criteria: { ...fields.criteria, ...request.body.criteria }, rules: { ...fields.rules, ...request.body.rules } };
      const group = await ctx.store.taskManager.accessGroups.update(current.id, await checkedGroup(ctx, merged));
      await auditRequest(ctx, request, { action: 'access_group.update', objectType: 'access_group', objectId: group.id, changes: changesOf(group) });
      return toAccessGroupView(group);
    });

    app.delete('/access-groups/:id', {
      config: { permission: 'task:admin' },
      schema: { tags, summary: 'Delete an access group', params: idParams, response: responses({ 204: noContent }) },
    }, async (request, reply) => {
      const group = await existingGroup(ctx, request.params.id);
      await ctx.store.taskManager.accessGroups.delete(group.id);
      await auditRequest(ctx, request, { action: 'access_group.delete', objectType: 'access_group', objectId: group.id, changes: { name: group.name } });
      return reply.status(204).send(null);
    });
  };
}

async function existingGroup(ctx: ApiContext, id: string): Promise<AccessGroupRecord> {
  return (await ctx.store.taskManager.accessGroups.get(id)) ?? notFound('access group', id);
}

/** Validates the group and checks every user and approver exists (the error names the entry). */
async function checkedGroup(ctx: ApiContext, input: unknown): Promise<NewAccessGroup> {
  const group = parseAccessGroup(input);
  for (const list of ['users', 'approvers'] as const) {
    for (const [index, userId] of group[list].entries()) {
      if ((await ctx.store.users.get(userId)) === null) throw validationError(`accessGroup.${list}.${index}`, `user ${userId} does not exist`);
    }
  }
  return group;
}

function changesOf(group: AccessGroupRecord): Record<string, unknown> {
  return { name: group.name, users: [...group.users], approvers: [...group.approvers], criteria: { ...group.criteria }, rules: { ...group.rules }, enabled: group.enabled };
}
