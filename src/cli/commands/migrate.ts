import type { Command } from 'commander';
import { openConfiguredStore } from '../cli-store.js';
import { configOf } from '../global-options.js';
import { standardOutput } from '../cli-output.js';
import type { CliOutput } from '../cli-output.js';

/** `ostiary migrate`: applies pending database migrations (under a lock; safe to run twice). */
export function registerMigrate(program: Command, output: CliOutput = standardOutput): void {
  program
    .command('migrate')
    .description('apply pending database migrations')
    .action(async (_options: unknown, cmd: Command) => {
      const store = await openConfiguredStore(configOf(cmd), { migrate: false });
      try {
        await store.migrate();
        output.line(`migrations applied (${store.capabilities.dialect})`);
      } finally {
        await store.close();
      }
    });
}
