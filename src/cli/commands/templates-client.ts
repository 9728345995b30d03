import { readFile } from 'node:fs/promises';
import { Option } from 'commander';
import type { Command } from 'commander';
import { TEMPLATE_TYPES } from '../../domain/index.js';
import { TEMPLATE_DIALECTS } from '../../templates/index.js';
import { connectClient } from '../client/client-session.js';
import { printJson, printRecord, printRows, shortTime } from '../client/client-output.js';
import type { OutputFlags } from '../client/client-output.js';
import { integerOption } from '../option-parsers.js';

interface TemplateView {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly executor: string;
  readonly latestVersion: number;
  readonly updatedAt: string;
}

interface VersionView {
  readonly version: number;
  readonly author: string;
  readonly createdAt: string;
  readonly source: string;
}

interface Saved {
  readonly template: TemplateView;
  readonly version: VersionView;
  readonly diagnostics: readonly { severity: string; rule: string; message: string; line: number; column: number }[];
}

interface Page<T> {
  readonly items: readonly T[];
  readonly next: string | null;
}

const columns = {
  ID: (template: TemplateView) => template.id,
  NAME: (template: TemplateView) => template.name,
  TYPE: (template: TemplateView) => template.type,
  EXECUTOR: (template: TemplateView) => template.executor,
  VERSION: (template: TemplateView) => String(template.latestVersion),
  UPDATED: (template: TemplateView) => shortTime(template.updatedAt),
};

function printSaved(flags: OutputFlags, saved: Saved): void {
  if (flags.json === true) return printJson(saved);
  console.log(`${saved.template.name} version ${saved.version.version} saved (${saved.template.id})`);
  for (const entry of saved.diagnostics) console.log(`${entry.line}:${entry.column}: ${entry.severity}: ${entry.message} [${entry.rule}]`);
}

/** The `templates` command the templates module registered (`templates lint`), or a new one. */
function templatesCommand(program: Command): Command {
  return program.commands.find((command) => command.name() === 'templates') ?? program.command('templates').description('check and manage execution templates');
}

/**
 * Client subcommands beside the local `templates lint`: `list`, `show`, `versions`,
 * `create`, `save` talk to `/api/v1/templates` (OSTIARY_URL or `ostiary login`); `lint`
 * stays local, as it needs no server.
 */
export function registerTemplatesClient(program: Command): void {
  const templates = templatesCommand(program);

  templates.command('list').description('list templates (API)').option('--limit <n>', 'page size', integerOption('--limit', 1), 50).option('--after <cursor>', 'next page').option('--json', 'print JSON')
    .action(async (flags: OutputFlags & { limit: number; after?: string }) => {
      const page = await (await connectClient()).get<Page<TemplateView>>('/templates', { limit: flags.limit, after: flags.after });
      if (flags.json === true) return printJson(page);
      printRows(flags, page.items, columns, 'no templates');
      if (page.next !== null) console.log(`more: --after ${page.next}`);
    });

  templates.command('show <id>').description('show a template and the source of its latest version (API)').option('--json', 'print JSON')
    .action(async (id: string, flags: OutputFlags) => {
      const shown = await (await connectClient()).get<{ template: TemplateView; latest: VersionView }>(`/templates/${id}`);
      if (flags.json === true) return printJson(shown);
      printRecord(flags, { ...shown.template });
      console.log(`\n${shown.latest.source}`);
    });

  templates.command('versions <id>').description('list the versions of a template (API)').option('--json', 'print JSON')
    .action(async (id: string, flags: OutputFlags) => {
      const page = await (await connectClient()).get<Page<VersionView>>(`/templates/${id}/versions`);
      printRows(flags, page.items, { VERSION: (v) => String(v.version), AUTHOR: (v) => v.author, CREATED: (v) => shortTime(v.createdAt) }, 'no versions');
    });

  templates.command('create <file>').description('create a template from a file (API; refused when lint finds an error)')
    .requiredOption('--name <name>', 'unique name')
    .addOption(new Option('--type <type>', 'template type').choices(TEMPLATE_TYPES).makeOptionMandatory())
    .addOption(new Option('--executor <executor>', 'executor (dialect)').choices(TEMPLATE_DIALECTS).default('ssh'))
    .option('--json', 'print JSON')
    .action(async (file: string, flags: OutputFlags & { name: string; type: string; executor: string }) => {
      const source = await readFile(file, 'utf8');
      printSaved(flags, await (await connectClient()).send<Saved>('POST', '/templates', { name: flags.name, type: flags.type, executor: flags.executor, source }));
    });

  templates.command('save <id> <file>').description('save a file as a new version of a template (API)').option('--json', 'print JSON')
    .action(async (id: string, file: string, flags: OutputFlags) => {
      const source = await readFile(file, 'utf8');
      printSaved(flags, await (await connectClient()).send<Saved>('POST', `/templates/${id}/versions`, { source }));
    });
}
