import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_RETRY_POLICY, DEFAULT_TIMEOUTS, OstiaryError, validationError } from '../../domain/index.js';
import type { NewOperation, Operation } from '../../domain/index.js';
import type { Store } from '../../store/store.js';
import { isTemplateDialect, parseTemplateOrThrow } from '../../templates/index.js';
import { withStore } from '../cli-store.js';
import { knownExecutorNames } from '../executor-set.js';
import { configOf } from '../global-options.js';
import { operatorName } from '../operator-name.js';
import { collectVariable, integerOption, secondsOption } from '../option-parsers.js';
import { standardOutput } from '../cli-output.js';
import type { CliOutput } from '../cli-output.js';

interface SubmitFlags {
  readonly executor: string;
  readonly template?: string;
  readonly templateFile?: string;
  readonly device?: string;
  readonly credential?: string;
  readonly var?: Record<string, string>;
  readonly priority?: number;
  readonly maxAttempts?: number;
  readonly timeout?: number;
  readonly json?: boolean;
}

export function registerOpsSubmit(ops: Command, output: CliOutput = standardOutput): void {
  ops
    .command('submit')
    .description('queue one operation; prints its id')
    .requiredOption('--executor <name>', 'executor that runs it, e.g. local or ssh')
    .option('--template <name>', 'stored template to run (its latest version); with --template-file, the name to save under')
    .option('--template-file <file>', 'template source to save as a new version (name: --template or the file name) and run')
    .option('--device <name>', 'target device, by name')
    .option('--credential <username>', 'credential on the device, by username (needs --device)')
    .option('--var <KEY=VALUE>', 'task variable, repeatable; fills [#KEY#]', collectVariable)
    .option('--priority <n>', 'higher runs first (run-now uses 100)', integerOption('--priority', -1_000_000))
    .option('--max-attempts <n>', 'attempts before the operation fails (default 3)', integerOption('--max-attempts', 1))
    .option('--timeout <seconds>', 'whole-operation time limit in seconds (default 300)', secondsOption('--timeout'))
    .option('--json', 'print the operation as JSON')
    .action(async (flags: SubmitFlags, cmd: Command) => {
      const operation = await withStore(configOf(cmd), (store) => submit(store, flags));
      output.line(flags.json ? JSON.stringify(operation, null, 2) : operation.id);
    });
}

async function submit(store: Store, flags: SubmitFlags): Promise<Operation> {
  assertKnownExecutor(flags.executor);
  const requester = operatorName();
  const template = await resolveTemplate(store, flags, requester);
  const target = await resolveTarget(store, flags);
  const request: NewOperation = {
    type: 'task',
    executor: flags.executor,
    templateId: template.id,
    templateVersion: template.version,
    ...target,
    variables: flags.var ?? {},
    requester,
    ...(flags.priority === undefined ? {} : { priority: flags.priority }),
    retryPolicy: retryPolicyOf(flags),
    timeouts: flags.timeout === undefined ? DEFAULT_TIMEOUTS : { ...DEFAULT_TIMEOUTS, totalMs: Math.round(flags.timeout * 1000) },
  };
  return store.operations.submit(request);
}

function retryPolicyOf(flags: SubmitFlags): NewOperation['retryPolicy'] {
  if (flags.maxAttempts === undefined) return DEFAULT_RETRY_POLICY;
  return { ...DEFAULT_RETRY_POLICY, maxAttempts: flags.maxAttempts, hardLimit: Math.max(DEFAULT_RETRY_POLICY.hardLimit, flags.maxAttempts) };
}

/** A template file is checked and saved as a new version; a name alone runs the latest stored version. */
async function resolveTemplate(store: Store, flags: SubmitFlags, author: string): Promise<{ id: string; version: number }> {
  if (flags.templateFile !== undefined) return saveTemplateFile(store, flags.templateFile, flags.template, flags.executor, author);
  if (flags.template === undefined) throw validationError('--template', 'expected --template NAME or --template-file FILE');
  const template = await store.templates.getByName(flags.template);
  if (!template) throw new OstiaryError('OST_NOT_FOUND', `--template: no template named ${JSON.stringify(flags.template)}`, { details: { field: '--template' } });
  assertSameExecutor(template.executor, flags.executor);
  return { id: template.id, version: template.latestVersion };
}

async function saveTemplateFile(store: Store, file: string, name: string | undefined, executor: string, author: string): Promise<{ id: string; version: number }> {
  const source = await readTemplateFile(file);
  if (isTemplateDialect(executor)) parseTemplateOrThrow(executor, source);
  const templateName = name ?? basename(file, extname(file));
  const existing = await store.templates.getByName(templateName);
  if (existing) {
    assertSameExecutor(existing.executor, executor);
    const version = await store.templates.saveVersion(existing.id, source, author);
    return { id: existing.id, version: version.version };
  }
  const created = await store.templates.create({ name: templateName, type: 'task', executor, source, author });
  return { id: created.template.id, version: created.version.version };
}

async function readTemplateFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw validationError('--template-file', `cannot read ${JSON.stringify(file)} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

function assertKnownExecutor(executor: string): void {
  const known = knownExecutorNames();
  if (!known.includes(executor)) {
    throw new OstiaryError('OST_EXECUTOR_UNKNOWN', `--executor: no executor named ${JSON.stringify(executor)} (known: ${known.join(', ')})`, { details: { field: '--executor' } });
  }
}

function assertSameExecutor(templateExecutor: string, executor: string): void {
  if (templateExecutor !== executor) {
    throw validationError('--executor', `the template is written for the ${templateExecutor} executor, not ${executor}`);
  }
}

async function resolveTarget(store: Store, flags: SubmitFlags): Promise<{ deviceId: string | null; credentialId: string | null }> {
  if (flags.device === undefined) {
    if (flags.credential !== undefined) throw validationError('--credential', 'needs --device');
    return { deviceId: null, credentialId: null };
  }
  const device = await store.devices.getByName(flags.device);
  if (!device) throw new OstiaryError('OST_NOT_FOUND', `--device: no device named ${JSON.stringify(flags.device)}`, { details: { field: '--device' } });
  if (flags.credential === undefined) return { deviceId: device.id, credentialId: null };
  const credential = await store.credentials.findByDeviceAndUsername(device.id, flags.credential);
  if (!credential) {
    throw new OstiaryError('OST_NOT_FOUND', `--credential: no credential ${JSON.stringify(flags.credential)} on device ${JSON.stringify(flags.device)}`, { details: { field: '--credential' } });
  }
  return { deviceId: device.id, credentialId: credential.id };
}
