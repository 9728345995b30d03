import fastifyCookie from '@fastify/cookie';
import Fastify from 'fastify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { AuditTrail } from '../audit/audit-trail.js';
import { Authenticator } from '../auth/authenticator.js';
import { LoginService } from '../auth/login-service.js';
import type { LoginThrottlePolicy } from '../auth/login-throttle.js';
import { DEFAULT_PASSWORD_HASH } from '../auth/password-hash.js';
import type { PasswordHashParameters } from '../auth/password-hash.js';
import { DEFAULT_SESSION_TTL_MS } from '../auth/session-service.js';
import { installHttpMetrics, metricsRoute } from '../outbound/metrics/http-metrics.js';
import type { OstiaryMetrics } from '../outbound/metrics/ostiary-metrics.js';
import type { ApiContext, ApiStore, SecretSealer } from './api-context.js';
import { installAuthentication } from './authentication.js';
import { installErrorHandlers } from './error-handler.js';
import { installOpenApi } from './openapi.js';
import { auditRoutes } from './routes/audit-routes.js';
import { authRoutes } from './routes/auth-routes.js';
import { credentialRoutes } from './routes/credential-routes.js';
import { deviceRoutes } from './routes/device-routes.js';
import { healthRoutes } from './routes/health-routes.js';
import { sinkRoutes } from './routes/sink-routes.js';
import { streamRoutes } from './routes/stream-routes.js';
import { operationRoutes } from './routes/operation-routes.js';
import { eventRoutes } from './routes/event-routes.js';
import { rotationRoutes } from './routes/rotation-routes.js';
import { templateRoutes } from './routes/template-routes.js';
import { tokenRoutes } from './routes/token-routes.js';
import { userRoutes } from './routes/user-routes.js';
import { accessGroupRoutes } from './routes/access-group-routes.js';
import { taskReportRoutes } from './routes/report-routes.js';
import { runRoutes } from './routes/run-routes.js';
import { scheduleRoutes } from './routes/schedule-routes.js';
import { taskRoutes } from './routes/task-routes.js';

export interface ApiServerOptions {
  readonly store: ApiStore;
  readonly vault: SecretSealer;
  readonly audit: AuditTrail;
  /** The process logger (pino); the server logs through a child of it. */
  readonly logger: FastifyBaseLogger;
  /** @defaultValue `Date.now` */
  readonly now?: () => number;
  /** @defaultValue 8 hours */
  readonly sessionTtlMs?: number;
  /** Mark cookies `Secure` even on plain HTTP (TLS ends at a proxy). @defaultValue false */
  readonly forceSecureCookies?: boolean;
  /** Trust `X-Forwarded-For` for the source address (behind a proxy). @defaultValue false */
  readonly trustProxy?: boolean;
  /** @defaultValue {@link DEFAULT_PASSWORD_HASH} */
  readonly passwordHash?: PasswordHashParameters;
  /** @defaultValue {@link DEFAULT_LOGIN_THROTTLE} */
  readonly loginThrottle?: LoginThrottlePolicy;
  /** Largest accepted request body, in bytes. @defaultValue 1048576 */
  readonly bodyLimit?: number;
  /** Prometheus metrics: times every request and serves `GET /metrics`. @defaultValue none */
  readonly metrics?: OstiaryMetrics;
}

function contextOf(options: ApiServerOptions): ApiContext {
  const now = options.now ?? Date.now;
  const { store } = options;
  return Object.freeze({
    store,
    vault: options.vault,
    audit: options.audit,
    now,
    authenticator: new Authenticator({ users: store.users, sessions: store.sessions, tokens: store.apiTokens, now }),
    logins: new LoginService({ users: store.users, failures: store.loginFailures, now, throttle: options.loginThrottle }),
    settings: Object.freeze({
      sessionTtlMs: options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS,
      forceSecureCookies: options.forceSecureCookies ?? false,
      passwordHash: options.passwordHash ?? DEFAULT_PASSWORD_HASH,
    }),
  });
}

/**
 * The HTTP API (DESIGN.md §8): `/api/v1/…` behind authentication and the permission table,
 * the OpenAPI document at `/api/docs/json` and its browsable page at `/api/docs`, and
 * `/healthz`, `/readyz`. Not listening yet: the caller calls `listen`, tests call `inject`.
 * Requests are logged by method, URL and status (Fastify's default): never bodies or headers,
 * which carry passwords, secrets and tokens; no route takes a secret in its URL.
 */
export async function buildApiServer(options: ApiServerOptions): Promise<FastifyInstance> {
  const ctx = contextOf(options);
  const app = Fastify({
    loggerInstance: options.logger,
    trustProxy: options.trustProxy ?? false,
    bodyLimit: options.bodyLimit ?? 1_048_576,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('principal', null);
  // Before any route, so every route inherits the timing hook.
  if (options.metrics) installHttpMetrics(app, options.metrics);
  installErrorHandlers(app);
  await app.register(fastifyCookie);
  await installOpenApi(app);
  await app.register(healthRoutes(ctx));
  if (options.metrics) await app.register(metricsRoute(options.metrics));
  await app.register(async (v1) => {
    installAuthentication(v1, ctx);
    for (const routes of [authRoutes, tokenRoutes, userRoutes, deviceRoutes, credentialRoutes, templateRoutes, operationRoutes, auditRoutes, sinkRoutes, streamRoutes]) {
      await v1.register(routes(ctx));
    }
    for (const routes of [rotationRoutes, eventRoutes]) await v1.register(routes(ctx));
    for (const routes of [taskRoutes, runRoutes, accessGroupRoutes, scheduleRoutes, taskReportRoutes]) await v1.register(routes(ctx));
  }, { prefix: '/api/v1' });
  return app;
}
