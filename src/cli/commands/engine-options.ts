import type { Command } from 'commander';
import { integerOption } from '../option-parsers.js';

/** The engine tuning flags of `start` and `worker`. */
export function addEngineOptions(command: Command): Command {
  return command
    .option('--concurrency <n>', 'attempts this process runs at once (default 4)', integerOption('--concurrency', 1))
    .option('--per-device-limit <n>', 'operations running at once on one device, across all workers (default 1)', integerOption('--per-device-limit', 1))
    .option('--lease-ms <ms>', 'lease a worker holds on a running operation, renewed by heartbeat (default 15000)', integerOption('--lease-ms', 100));
}
