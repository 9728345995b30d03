import type { FastifyInstance } from 'fastify';
import type { OstiaryMetrics } from './ostiary-metrics.js';

/**
 * Times every request by method, route template (`/api/v1/operations/:id`, never the URL
 * itself, which may carry ids or tokens) and status code. Install on the root instance
 * before any route, so every route inherits the hook.
 */
export function installHttpMetrics(app: FastifyInstance, metrics: OstiaryMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const labels = { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) };
    metrics.httpDuration.observe(labels, reply.elapsedTime / 1000);
  });
}

/** `GET /metrics` in the Prometheus text format. Like `/healthz`, it needs no login: it holds counts, never data. */
export function metricsRoute(metrics: OstiaryMetrics) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
      const text = await metrics.text();
      return reply.header('content-type', metrics.contentType).header('cache-control', 'no-store').send(text);
    });
  };
}
