import { Command } from 'commander';
import { registerAudit } from './commands/audit.js';
import { registerCredentials } from './commands/credentials.js';
import { registerDevices } from './commands/devices.js';
import { registerEvents } from './commands/events.js';
import { registerLogin } from './commands/login.js';
import { registerMigrate } from './commands/migrate.js';
import { registerOps } from './commands/ops.js';
import { registerRotation } from './commands/rotation.js';
import { registerServer } from './commands/server.js';
import { registerStart } from './commands/start.js';
import { registerTasks } from './commands/tasks.js';
import { registerVaultCommands } from './commands/vault.js';
import { registerTemplatesCommands } from './commands/templates.js';
import { registerTemplatesClient } from './commands/templates-client.js';
import { registerUsers } from './commands/users.js';
import { registerWorker } from './commands/worker.js';
import { addGlobalOptions } from './global-options.js';
import { reportAndExit } from './report-error.js';

/**
 * The `ostiary` command. Each command lives in `commands/<name>.ts` and exports a
 * `register…(program)` function; this file only assembles them.
 */
export function buildProgram(): Command {
  const program = new Command('ostiary')
    .description('Privileged task execution and credential rotation engine')
    .version('0.1.0')
    .showHelpAfterError()
    .configureHelp({ showGlobalOptions: true });
  addGlobalOptions(program);
  registerStart(program);
  registerServer(program);
  registerWorker(program);
  registerMigrate(program);
  registerOps(program);
  registerVaultCommands(program);
  registerTemplatesCommands(program);
  registerTemplatesClient(program);
  registerLogin(program);
  registerUsers(program);
  registerDevices(program);
  registerCredentials(program);
  registerRotation(program);
  registerEvents(program);
  registerAudit(program);
  registerTasks(program);
  return program;
}

buildProgram().parseAsync(process.argv).catch(reportAndExit);
