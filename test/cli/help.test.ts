import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Command } from 'commander';
import { registerMigrate } from '../../src/cli/commands/migrate.js';
import { registerOps } from '../../src/cli/commands/ops.js';
import { registerStart } from '../../src/cli/commands/start.js';
import { registerWorker } from '../../src/cli/commands/worker.js';
import { addGlobalOptions } from '../../src/cli/global-options.js';
import { runOstiary } from './cli-runner.js';

function allCommands(command: Command, prefix = ''): [string, Command][] {
  return command.commands.flatMap((sub) => {
    const name = `${prefix}${sub.name()}`;
    return [[name, sub] as [string, Command], ...allCommands(sub, `${name} `)];
  });
}

describe('CLI help', () => {
  it('every core command has a description and help naming its options', () => {
    const program = addGlobalOptions(new Command('ostiary'));
    for (const register of [registerStart, registerWorker, registerMigrate, registerOps]) register(program);
    const commands = allCommands(program);
    assert.deepEqual(commands.map(([name]) => name).sort(), [
      'migrate', 'ops', 'ops cancel', 'ops list', 'ops logs', 'ops restart', 'ops run-now', 'ops show', 'ops submit', 'start', 'worker',
    ]);
    for (const [name, command] of commands) {
      const help = command.helpInformation();
      assert.ok(command.description().length > 0, `${name} has a description`);
      assert.match(help, new RegExp(`^Usage: ostiary ${name}`), name);
      for (const option of command.options) assert.ok(help.includes(option.flags), `${name} --help lists ${option.flags}`);
    }
  });

  it('ostiary --help and ostiary ops submit --help print usage and exit 0', async () => {
    const [top, submit] = await Promise.all([runOstiary(['--help']), runOstiary(['ops', 'submit', '--help'])]);
    assert.equal(top.code, 0);
    assert.match(top.stdout, /^Usage: ostiary \[options\] \[command\]/);
    for (const name of ['start', 'worker', 'migrate', 'ops']) assert.match(top.stdout, new RegExp(`^  ${name}\\b`, 'm'));
    assert.equal(submit.code, 0);
    assert.match(submit.stdout, /--template-file <file>/);
    assert.match(submit.stdout, /--data-dir <dir>/, 'global options are shown on subcommands');
  });
});
