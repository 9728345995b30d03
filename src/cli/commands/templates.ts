import { readFile } from 'node:fs/promises';
import { Option } from 'commander';
import type { Command, CommanderError } from 'commander';
import { TEMPLATE_TYPES } from '../../domain/index.js';
import type { TemplateType } from '../../domain/index.js';
import { formatDiagnostic, lintTemplate, TEMPLATE_DIALECTS } from '../../templates/index.js';
import type { TemplateDialect } from '../../templates/index.js';

/** Exit codes of `templates lint`, as compilers use them. */
export const LINT_EXIT = Object.freeze({ clean: 0, errors: 1, usage: 2 });

interface LintFlags {
  readonly dialect: TemplateDialect;
  readonly type?: TemplateType;
}

/** `ostiary templates …`: client commands on templates. */
export function registerTemplatesCommands(program: Command): void {
  const templates = program.command('templates').description('Check and manage execution templates').exitOverride(usageExit);
  templates
    .command('lint')
    .description('Check template files; prints file:line:col: severity: message [rule]; exits 1 on an error, 2 on a usage error')
    .addOption(new Option('--dialect <dialect>', 'template dialect (the executor that runs it)').choices(TEMPLATE_DIALECTS).default('ssh'))
    .addOption(new Option('--type <type>', 'template type; enables the checks specific to it').choices(TEMPLATE_TYPES))
    .argument('<files...>', 'template files to check')
    .exitOverride(usageExit)
    .action(async (files: string[], flags: LintFlags) => {
      process.exitCode = await lintFiles(files, flags);
    });
}

/** Lints every file; returns the exit code (usage error beats lint error beats clean). */
async function lintFiles(files: readonly string[], flags: LintFlags): Promise<number> {
  let exitCode: number = LINT_EXIT.clean;
  for (const file of files) {
    const source = await readSource(file);
    if (source === null) {
      exitCode = LINT_EXIT.usage;
      continue;
    }
    const diagnostics = lintTemplate(source, { dialect: flags.dialect, type: flags.type });
    for (const entry of diagnostics) console.log(formatDiagnostic(file, entry));
    if (diagnostics.some((entry) => entry.severity === 'error')) exitCode = Math.max(exitCode, LINT_EXIT.errors);
  }
  return exitCode;
}

async function readSource(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    console.error(`ostiary templates lint: cannot read ${file} (${reason})`);
    return null;
  }
}

/** Commander's own usage errors (unknown option, bad choice, no file) exit 2; help exits 0. */
function usageExit(error: CommanderError): never {
  process.exit(error.exitCode === 0 ? 0 : LINT_EXIT.usage);
}
