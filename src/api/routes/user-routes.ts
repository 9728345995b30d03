import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { UserRecord, UserRepository } from '../../store/access-store.js';
import { hashPassword } from '../../auth/password-hash.js';
import { assertAcceptablePassword } from '../../auth/user-password.js';
import { createLocalUser } from '../../auth/user-service.js';
import { OstiaryError } from '../../domain/index.js';
import type { ApiContext } from '../api-context.js';
import { notFound } from '../not-found.js';
import { auditRequest } from '../request-audit.js';
import { idParams, pageOf, pageQuery } from '../schemas/common-schemas.js';
import { responses } from '../schemas/responses.js';
import { passwordReset, toUserView, userChanges, userInput, userView } from '../schemas/user-schemas.js';

const tags = ['users'];

/** Local users: list, show, create, change roles or disable, reset a password, unlock. */
export function userRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/users', {
      config: { permission: 'user:read' },
      schema: { tags, summary: 'List users', querystring: pageQuery, response: responses({ 200: pageOf(userView) }) },
    }, async (request) => {
      const page = await ctx.store.users.list(request.query);
      return { items: page.items.map(toUserView), next: page.next };
    });

    app.get('/users/:id', {
      config: { permission: 'user:read' },
      schema: { tags, summary: 'Show a user', params: idParams, response: responses({ 200: userView }) },
    }, async (request) => toUserView(await existingUser(ctx, request.params.id)));

    app.post('/users', {
      config: { permission: 'user:write' },
      schema: { tags, summary: 'Create a local user', body: userInput, response: responses({ 201: userView }) },
    }, async (request, reply) => {
      const user = await createLocalUser(ctx.store.users, request.body, ctx.settings.passwordHash);
      await auditRequest(ctx, request, { action: 'user.create', objectType: 'user', objectId: user.id, changes: { username: user.username, roles: user.roles } });
      return reply.status(201).send(toUserView(user));
    });

    app.patch('/users/:id', {
      config: { permission: 'user:write' },
      schema: { tags, summary: 'Change roles or disable a user', params: idParams, body: userChanges, response: responses({ 200: userView }) },
    }, async (request) => {
      const user = await existingUser(ctx, request.params.id);
      await assertAdminRemains(ctx.store.users, user, request.body);
      const updated = await ctx.store.users.update(user.id, request.body);
      if (request.body.disabled === true) await ctx.store.sessions.deleteForUser(user.id);
      await auditRequest(ctx, request, { action: 'user.update', objectType: 'user', objectId: user.id, changes: request.body });
      return toUserView(updated);
    });

    app.post('/users/:id/password', {
      config: { permission: 'user:write' },
      schema: { tags, summary: 'Set a user’s password; ends the user’s sessions', params: idParams, body: passwordReset, response: responses({ 204: z.null() }) },
    }, async (request, reply) => {
      const user = await existingUser(ctx, request.params.id);
      assertAcceptablePassword('password', request.body.password);
      await ctx.store.users.update(user.id, { passwordHash: await hashPassword(request.body.password, ctx.settings.passwordHash) });
      await ctx.store.sessions.deleteForUser(user.id);
      await auditRequest(ctx, request, { action: 'user.password_reset', objectType: 'user', objectId: user.id, changes: { password: 'reset' } });
      return reply.status(204).send(null);
    });

    app.post('/users/:id/unlock', {
      config: { permission: 'user:write' },
      schema: { tags, summary: 'Lift a lockout after failed logins', params: idParams, response: responses({ 204: z.null() }) },
    }, async (request, reply) => {
      const user = await existingUser(ctx, request.params.id);
      await ctx.logins.unlock(user.username);
      await auditRequest(ctx, request, { action: 'user.unlock', objectType: 'user', objectId: user.id });
      return reply.status(204).send(null);
    });
  };
}

async function existingUser(ctx: ApiContext, id: string): Promise<UserRecord> {
  return (await ctx.store.users.get(id)) ?? notFound('user', id);
}

function isActiveAdmin(user: UserRecord): boolean {
  return !user.disabled && user.roles.includes('admin');
}

/** Nobody can remove the last active admin (by role change or disabling): there would be no way back in. */
async function assertAdminRemains(users: UserRepository, target: UserRecord, changes: { roles?: readonly string[]; disabled?: boolean }): Promise<void> {
  const after = { ...target, roles: changes.roles ?? target.roles, disabled: changes.disabled ?? target.disabled };
  if (!isActiveAdmin(target) || isActiveAdmin(after)) return;
  let others = 0;
  for (let page = await users.list({ limit: 200 }); ; page = await users.list({ limit: 200, after: page.next ?? '' })) {
    others += page.items.filter((user) => user.id !== target.id && isActiveAdmin(user)).length;
    if (others > 0 || page.next === null) break;
  }
  if (others === 0) {
    throw new OstiaryError('OST_CONFLICT', 'roles: this is the last active admin; make another admin first', { details: { field: 'roles' } });
  }
}
