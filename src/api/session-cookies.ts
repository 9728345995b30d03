import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IssuedSession } from '../auth/session-service.js';
import type { ApiContext } from './api-context.js';
import { CSRF_COOKIE, SESSION_COOKIE } from './authentication.js';

function secure(ctx: ApiContext, request: FastifyRequest): boolean {
  return ctx.settings.forceSecureCookies || request.protocol === 'https';
}

/**
 * The session cookie is HttpOnly (no script reads it) and SameSite=Strict (no other site's
 * page sends it); the CSRF cookie is readable by the console's script, which echoes it in
 * the header. Both are `Secure` whenever the request came over TLS.
 */
export function setSessionCookies(ctx: ApiContext, request: FastifyRequest, reply: FastifyReply, session: IssuedSession): void {
  const common = { path: '/', sameSite: 'strict' as const, secure: secure(ctx, request), expires: new Date(session.record.expiresAt) };
  reply.setCookie(SESSION_COOKIE, session.sessionToken, { ...common, httpOnly: true });
  reply.setCookie(CSRF_COOKIE, session.csrfToken, { ...common, httpOnly: false });
}

export function clearSessionCookies(ctx: ApiContext, request: FastifyRequest, reply: FastifyReply): void {
  const common = { path: '/', sameSite: 'strict' as const, secure: secure(ctx, request) };
  reply.clearCookie(SESSION_COOKIE, { ...common, httpOnly: true });
  reply.clearCookie(CSRF_COOKIE, common);
}
