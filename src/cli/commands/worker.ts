import type { Command } from 'commander';
import { openConfiguredStore } from '../cli-store.js';
import type { EngineFlags } from '../engine-runtime.js';
import { configOf } from '../global-options.js';
import { createLogger } from '../logger.js';
import { integerOption } from '../option-parsers.js';
import { onShutdownSignal } from '../shutdown.js';
import { addEngineOptions } from './engine-options.js';

/** `ostiary worker`: the engine alone, for scale-out next to `ostiary server` on PostgreSQL. */
export function registerWorker(program: Command): void {
  const command = program
    .command('worker')
    .description('run operations from the queue (engine only, no HTTP); stops gracefully on SIGINT/SIGTERM')
    .option('--drain-ms <ms>', 'on shutdown, how long running operations may take to finish', integerOption('--drain-ms', 0), 10_000);
  addEngineOptions(command).action(async (flags: EngineFlags & { drainMs: number }, cmd: Command) => {
    const config = configOf(cmd);
    const logger = createLogger('ostiary-worker');
    const store = await openConfiguredStore(config, { migrate: true });
    try {
      // Loaded here, not at the top: `ops …` commands should not pay for the engine and the HTTP server.
      const { startEngine } = await import('../engine-runtime.js');
      const engine = await startEngine(config, store, flags, logger);
      onShutdownSignal(logger, async () => {
        await engine.stop({ drainMs: flags.drainMs });
        await store.close();
      });
    } catch (error) {
      await store.close();
      throw error;
    }
  });
}
