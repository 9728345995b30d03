import type { Command } from 'commander';
import type { Store } from '../../store/store.js';
import { openConfiguredStore } from '../cli-store.js';
import type { EngineFlags } from '../engine-runtime.js';
import { configOf } from '../global-options.js';
import type { Logger } from 'pino';
import { createLogger } from '../logger.js';
import { integerOption } from '../option-parsers.js';
import { onShutdownSignal } from '../shutdown.js';
import { addEngineOptions } from './engine-options.js';

type WorkerFlags = EngineFlags & { drainMs: number; metricsPort?: number; metricsHost: string };

/**
 * A worker has no API, so its metrics (attempt durations, lease recoveries, rotations, queue
 * gauges) get a listener of their own: `/metrics` and nothing else.
 */
async function startMetricsExporter(store: Store, host: string, port: number, logger: Logger) {
  const { OstiaryMetrics, instrumentStore, metricsRoute } = await import('../../outbound/index.js');
  const { default: fastify } = await import('fastify');
  const metrics = new OstiaryMetrics({ store, logger });
  const app = fastify();
  await app.register(metricsRoute(metrics));
  const url = await app.listen({ host, port });
  logger.info({ url: `${url}/metrics` }, 'worker metrics listening');
  return { metrics, store: instrumentStore(store, metrics), close: () => app.close() };
}

/** `ostiary worker`: the engine alone, for scale-out next to `ostiary server` on PostgreSQL. */
export function registerWorker(program: Command): void {
  const command = program
    .command('worker')
    .description('run operations from the queue (engine only, no HTTP); stops gracefully on SIGINT/SIGTERM')
    .option('--drain-ms <ms>', 'on shutdown, how long running operations may take to finish', integerOption('--drain-ms', 0), 10_000)
    .option('--metrics-port <port>', 'serve Prometheus metrics on http://<metrics-host>:<port>/metrics (off unless given)', integerOption('--metrics-port', 0))
    .option('--metrics-host <address>', 'address for --metrics-port', '127.0.0.1');
  addEngineOptions(command).action(async (flags: WorkerFlags, cmd: Command) => {
    const config = configOf(cmd);
    const logger = createLogger('ostiary-worker');
    const store = await openConfiguredStore(config, { migrate: true });
    try {
      // Loaded here, not at the top: `ops …` commands should not pay for the engine and the HTTP server.
      const { startEngine } = await import('../engine-runtime.js');
      const exporter = flags.metricsPort === undefined ? null : await startMetricsExporter(store, flags.metricsHost, flags.metricsPort, logger);
      const engine = await startEngine(config, exporter?.store ?? store, flags, logger, exporter?.metrics);
      onShutdownSignal(logger, async () => {
        await engine.stop({ drainMs: flags.drainMs });
        await exporter?.close();
        await store.close();
      });
    } catch (error) {
      await store.close();
      throw error;
    }
  });
}
