import type { Command } from 'commander';
import { openConfiguredStore } from '../cli-store.js';
import type { EngineFlags } from '../engine-runtime.js';
import { configOf } from '../global-options.js';
import { createLogger } from '../logger.js';
import { integerOption } from '../option-parsers.js';
import { onShutdownSignal } from '../shutdown.js';
import { addEngineOptions } from './engine-options.js';

interface StartFlags extends EngineFlags {
  readonly host: string;
  readonly port: number;
  readonly drainMs: number;
}

/**
 * `ostiary start`: everything in one process (DESIGN.md §2) — migrates the database, opens
 * the vault (creating its key on first start), runs the engine and serves HTTP.
 */
export function registerStart(program: Command): void {
  const command = program
    .command('start')
    .description('run Ostiary in one process: database migrations, engine and HTTP server')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on', integerOption('--port', 0), 8080)
    .option('--drain-ms <ms>', 'on shutdown, how long running operations may take to finish', integerOption('--drain-ms', 0), 10_000);
  addEngineOptions(command).action(async (flags: StartFlags, cmd: Command) => {
    const config = configOf(cmd);
    const logger = createLogger('ostiary');
    const store = await openConfiguredStore(config, { migrate: true });
    const closers: (() => Promise<void>)[] = [() => store.close()];
    const closeAll = async (): Promise<void> => {
      for (const close of closers.reverse()) await close();
    };
    try {
      // Loaded here, not at the top: `ops …` commands should not pay for the engine and the HTTP server.
      const { startEngine } = await import('../engine-runtime.js');
      const { OstiaryMetrics, instrumentStore } = await import('../../outbound/index.js');
      const metrics = new OstiaryMetrics({ store, logger });
      // The engine's store is measured (attempt durations, lease recoveries) and rotations counted, for /metrics.
      const engine = await startEngine(config, instrumentStore(store, metrics), flags, logger, metrics);
      closers.push(() => engine.stop({ drainMs: flags.drainMs }));
      const { startApiServer } = await import('../api-runtime.js');
      const server = await startApiServer(config, store, flags, logger, metrics);
      closers.push(() => server.close());
      logger.info({ dataDir: config.dataDir, dialect: store.capabilities.dialect, url: server.url }, 'ostiary started');
    } catch (error) {
      await closeAll();
      throw error;
    }
    onShutdownSignal(logger, closeAll);
  });
}
