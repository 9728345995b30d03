import type { Command } from 'commander';
import { loadConfig } from './config.js';
import type { OstiaryConfig } from './config.js';

/** Options every command shares; commander accepts them before or after the command name. */
export function addGlobalOptions(program: Command): Command {
  return program
    .option('--db <url>', 'postgres://… for PostgreSQL, or a SQLite file path (default: <data-dir>/ostiary.db, env OSTIARY_DB)')
    .option('--data-dir <dir>', 'directory of the SQLite file and the vault key (default: ./data, env OSTIARY_DATA_DIR)');
}

/** The validated configuration for the command being run: flags over environment over defaults. */
export function configOf(command: Command): OstiaryConfig {
  const options = command.optsWithGlobals<{ db?: string; dataDir?: string }>();
  return loadConfig({ db: options.db, dataDir: options.dataDir });
}
