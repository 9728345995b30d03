import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { hashPassword } from '../../auth/password-hash.js';
import { issueSession } from '../../auth/session-service.js';
import { assertAcceptablePassword } from '../../auth/user-password.js';
import { OstiaryError } from '../../domain/index.js';
import type { ApiContext } from '../api-context.js';
import { principalOf } from '../authentication.js';
import { auditRequest } from '../request-audit.js';
import { responses } from '../schemas/responses.js';
import { loginInput, meView, passwordChange, sessionView, toUserView } from '../schemas/user-schemas.js';
import { clearSessionCookies, setSessionCookies } from '../session-cookies.js';

const tags = ['auth'];

/** Console login and logout, "who am I", and changing one's own password. */
export function authRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/auth/login', {
      config: { public: true },
      schema: { tags, summary: 'Log in; sets the session and CSRF cookies', body: loginInput, response: responses({ 200: sessionView }) },
    }, async (request, reply) => {
      const { username, password } = request.body;
      const result = await ctx.logins.login(username, password, request.ip);
      if (!result.ok) {
        await ctx.audit.record({
          actor: result.user ? `user:${result.user.id}` : 'anonymous',
          actorName: username,
          action: 'auth.login_failed',
          objectType: 'user',
          objectId: result.user?.id ?? null,
          changes: { code: result.error.code },
          sourceAddress: request.ip,
        });
        throw result.error;
      }
      const session = await issueSession(ctx.store.sessions, result.user.id, request.ip, ctx.now() + ctx.settings.sessionTtlMs);
      const principal = await ctx.authenticator.fromSession(session.sessionToken);
      await ctx.audit.record({
        actor: `user:${result.user.id}`,
        actorName: result.user.username,
        action: 'auth.login',
        objectType: 'session',
        objectId: session.record.id,
        sourceAddress: request.ip,
      });
      setSessionCookies(ctx, request, reply, session);
      return { user: toUserView(result.user), permissions: [...principal.permissions], csrfToken: session.csrfToken, expiresAt: new Date(session.record.expiresAt).toISOString() };
    });

    app.post('/auth/logout', {
      schema: { tags, summary: 'End the console session', response: responses({ 204: z.null() }) },
    }, async (request, reply) => {
      const principal = principalOf(request);
      if (principal.sessionId !== null) {
        await ctx.store.sessions.delete(principal.sessionId);
        await auditRequest(ctx, request, { action: 'auth.logout', objectType: 'session', objectId: principal.sessionId });
      }
      clearSessionCookies(ctx, request, reply);
      return reply.status(204).send(null);
    });

    app.get('/auth/me', {
      schema: { tags, summary: 'The calling user and its effective permissions', response: responses({ 200: meView }) },
    }, async (request) => {
      const principal = principalOf(request);
      const user = await ctx.store.users.get(principal.userId);
      if (user === null) throw new OstiaryError('OST_AUTH_INVALID', 'the user no longer exists');
      return { user: toUserView(user), permissions: [...principal.permissions], via: principal.via, tokenId: principal.tokenId };
    });

    app.post('/auth/password', {
      config: { permission: 'token:own' },
      schema: { tags, summary: 'Change your own password; ends your sessions', body: passwordChange, response: responses({ 204: z.null() }) },
    }, async (request, reply) => {
      const principal = principalOf(request);
      assertAcceptablePassword('newPassword', request.body.newPassword);
      // Through the login check, so guessing the current password is throttled like a login.
      const check = await ctx.logins.login(principal.username, request.body.currentPassword, request.ip);
      if (!check.ok) {
        if (check.error.code !== 'OST_AUTH_INVALID') throw check.error;
        throw new OstiaryError('OST_AUTH_INVALID', 'currentPassword: the current password is wrong', { details: { field: 'currentPassword' } });
      }
      const user = check.user;
      await ctx.store.users.update(user.id, { passwordHash: await hashPassword(request.body.newPassword, ctx.settings.passwordHash) });
      await ctx.store.sessions.deleteForUser(user.id);
      await auditRequest(ctx, request, { action: 'user.password_change', objectType: 'user', objectId: user.id, changes: { password: 'changed' } });
      clearSessionCookies(ctx, request, reply);
      return reply.status(204).send(null);
    });
  };
}
