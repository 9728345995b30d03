import type { Command } from 'commander';
import { openConfiguredStore } from '../cli-store.js';
import { configOf } from '../global-options.js';
import { createLogger } from '../logger.js';
import { integerOption } from '../option-parsers.js';
import { onShutdownSignal } from '../shutdown.js';

/**
 * `ostiary server`: the HTTP API alone, no workers — for scale-out on PostgreSQL, beside any
 * number of `ostiary worker` processes (DESIGN.md §2).
 */
export function registerServer(program: Command): void {
  program
    .command('server')
    .description('serve the HTTP API only (no workers): database migrations, vault, API, audit projector')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on', integerOption('--port', 0), 8080)
    .action(async (flags: { host: string; port: number }, cmd: Command) => {
      const config = configOf(cmd);
      const logger = createLogger('ostiary');
      const store = await openConfiguredStore(config, { migrate: true });
      let api;
      try {
        const { startApiServer } = await import('../api-runtime.js');
        api = await startApiServer(config, store, flags, logger);
      } catch (error) {
        await store.close();
        throw error;
      }
      const running = api;
      logger.info({ dataDir: config.dataDir, dialect: store.capabilities.dialect, url: running.url }, 'ostiary server started');
      onShutdownSignal(logger, async () => {
        await running.close();
        await store.close();
      });
    });
}
