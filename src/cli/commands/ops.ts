import type { Command } from 'commander';
import { standardOutput } from '../cli-output.js';
import type { CliOutput } from '../cli-output.js';
import { opsThroughApi } from '../client/client-session.js';
import { registerOpsControl } from './ops-control.js';
import { registerOpsList } from './ops-list.js';
import { registerOpsLogs } from './ops-logs.js';
import { registerOpsShow } from './ops-show.js';
import { registerOpsSubmit } from './ops-submit.js';
import { registerOpsClient } from './ops-client.js';

/** `ostiary ops …`: operations, straight on the store (the HTTP API comes later). */
export function registerOps(program: Command, output: CliOutput = standardOutput): void {
  const ops = program.command('ops').description('submit, list, inspect and control operations');
  // With OSTIARY_URL set (and no --db/--data-dir), the same commands go through the API (docs/api.md).
  if (opsThroughApi()) return registerOpsClient(ops);
  registerOpsSubmit(ops, output);
  registerOpsList(ops, output);
  registerOpsShow(ops, output);
  registerOpsLogs(ops, output);
  registerOpsControl(ops, output);
}
