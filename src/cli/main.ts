import { Command } from 'commander';
import { reportAndExit } from './report-error.js';

/**
 * The `ostiary` command. Each command lives in `commands/<name>.ts` and exports a
 * `register…(program)` function; this file only assembles them.
 */
export function buildProgram(): Command {
  const program = new Command('ostiary')
    .description('Privileged task execution and credential rotation engine')
    .version('0.1.0')
    .showHelpAfterError();
  return program;
}

buildProgram().parseAsync(process.argv).catch(reportAndExit);
