import { timingSafeEqual } from 'node:crypto';
import type {} from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Permission } from '../auth/permissions.js';
import { assertPermission } from '../auth/principal.js';
import type { Principal } from '../auth/principal.js';
import { csrfTokenFor } from '../auth/secret-token.js';
import { OstiaryError } from '../domain/index.js';
import type { ApiContext } from './api-context.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The permission the route needs; absent means "any authenticated principal". */
    permission?: Permission;
    /** No authentication at all (login, health). */
    public?: boolean;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export const SESSION_COOKIE = 'ostiary_session';
/** Readable by the console's script, which copies it into {@link CSRF_HEADER}. */
export const CSRF_COOKIE = 'ostiary_csrf';
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * A session cookie rides along on any request the browser makes, including ones a hostile
 * page triggers, so state-changing requests with a cookie must also carry the CSRF token,
 * which only a page of our own origin can read. A bearer token is never sent implicitly and
 * needs no such check.
 */
function assertCsrf(request: FastifyRequest, sessionToken: string): void {
  if (SAFE_METHODS.has(request.method)) return;
  const header = request.headers[CSRF_HEADER];
  if (typeof header === 'string' && sameText(header, csrfTokenFor(sessionToken))) return;
  throw new OstiaryError('OST_CSRF', `a request with a session cookie must send the ${CSRF_HEADER} header`, {
    details: { header: CSRF_HEADER },
  });
}

async function authenticate(request: FastifyRequest, ctx: ApiContext): Promise<Principal> {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer ([^\s]+)$/i.exec(authorization.trim());
    if (match?.[1] === undefined) throw new OstiaryError('OST_AUTH_INVALID', 'the Authorization header must be `Bearer <token>`');
    return ctx.authenticator.fromApiToken(match[1]);
  }
  const sessionToken = request.cookies[SESSION_COOKIE];
  if (sessionToken !== undefined && sessionToken !== '') {
    const principal = await ctx.authenticator.fromSession(sessionToken);
    assertCsrf(request, sessionToken);
    return principal;
  }
  throw new OstiaryError('OST_AUTH_REQUIRED', 'log in or send an API token as `Authorization: Bearer <token>`');
}

/**
 * Every route of the plugin it is installed in authenticates (unless `config.public`) and
 * checks `config.permission` before its body is even parsed, so an anonymous caller learns
 * nothing about the routes' schemas.
 */
export function installAuthentication(app: FastifyInstance, ctx: ApiContext): void {
  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config;
    if (config.public === true) return;
    request.principal = await authenticate(request, ctx);
    if (config.permission !== undefined) assertPermission(request.principal, config.permission);
  });
}

/** The authenticated principal of a non-public route. */
export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === null) throw new OstiaryError('OST_AUTH_REQUIRED', 'this route needs an authenticated principal');
  return request.principal;
}
