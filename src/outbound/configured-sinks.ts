import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { OstiaryError, isOstiaryError } from '../domain/index.js';
import type { SinkRecord } from '../store/sink-store.js';
import { SINK_KINDS } from '../store/sink-store.js';
import type { Store } from '../store/store.js';
import { parseSinkSettings } from './sink-settings.js';

/** One sink as the config file (and the API) describe it. */
export interface SinkDefinition {
  readonly name: string;
  readonly kind: (typeof SINK_KINDS)[number];
  /** @defaultValue true */
  readonly enabled: boolean;
  /** Where a new sink's cursor starts. @defaultValue 'now' */
  readonly startFrom: 'now' | 'beginning';
  readonly config: Readonly<Record<string, unknown>>;
}

const definitionSchema = z.strictObject({
  name: z.string().min(1),
  kind: z.enum(SINK_KINDS),
  enabled: z.boolean().default(true),
  startFrom: z.enum(['now', 'beginning']).default('now'),
  config: z.record(z.string(), z.unknown()),
});

const fileSchema = z.object({ sinks: z.array(definitionSchema).default([]) }).loose();

/** Who the `sink.*` events of config-file changes name as the actor. */
export const CONFIG_FILE_ACTOR = 'system:config-file';

/**
 * Reads the sinks of the config file (`<dataDir>/ostiary.json`): `{ "sinks": [ … ] }`. A missing
 * file means no sinks; anything invalid is `OST_CONFIG` naming the file and the field.
 */
export async function readConfiguredSinks(path: string): Promise<readonly SinkDefinition[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new OstiaryError('OST_CONFIG', `${path}: cannot be read`, { cause: error, details: { field: path } });
  }
  return parseConfiguredSinks(text, path);
}

export function parseConfiguredSinks(text: string, path: string): readonly SinkDefinition[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new OstiaryError('OST_CONFIG', `${path}: not valid JSON`, { cause: error, details: { field: path } });
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = `${path}: ${issue?.path.map(String).join('.') ?? ''}`;
    throw new OstiaryError('OST_CONFIG', `${field}: ${issue?.message ?? 'invalid'}`, { details: { field } });
  }
  return Object.freeze(parsed.data.sinks.map((sink, i) => validDefinition(sink, `${path}: sinks.${i}.config`)));
}

function validDefinition(sink: SinkDefinition, field: string): SinkDefinition {
  try {
    parseSinkSettings(sink.kind, sink.config, field);
  } catch (error) {
    if (!isOstiaryError(error)) throw error;
    throw new OstiaryError('OST_CONFIG', error.message, { cause: error, details: error.details });
  }
  return Object.freeze(sink);
}

export interface SyncSummary {
  readonly created: readonly string[];
  readonly updated: readonly string[];
  readonly disabled: readonly string[];
}

/**
 * Makes the store's config-managed sinks match the file: new ones are created, changed ones
 * updated, ones no longer in the file disabled (their cursor is kept, should they come
 * back). A name already taken by a sink managed through the API is an error.
 */
export async function syncConfiguredSinks(store: Store, definitions: readonly SinkDefinition[]): Promise<SyncSummary> {
  const summary = { created: [] as string[], updated: [] as string[], disabled: [] as string[] };
  for (const definition of definitions) {
    const existing = await store.sinks.getByName(definition.name);
    if (!existing && (await createFromFile(store, definition))) {
      summary.created.push(definition.name);
    } else if (await updateFromFile(store, existing ?? (await mustExist(store, definition.name)), definition)) {
      summary.updated.push(definition.name);
    }
  }
  const named = new Set(definitions.map((d) => d.name));
  for (const sink of await store.sinks.list()) {
    if (sink.managedBy !== 'config' || named.has(sink.name) || !sink.enabled) continue;
    await store.sinks.update(sink.id, { enabled: false, actor: CONFIG_FILE_ACTOR });
    summary.disabled.push(sink.name);
  }
  return summary;
}

/** `false` when another node starting at the same moment created it first. */
async function createFromFile(store: Store, definition: SinkDefinition): Promise<boolean> {
  try {
    await store.sinks.create({ ...definition, managedBy: 'config', actor: CONFIG_FILE_ACTOR });
    return true;
  } catch (error) {
    if (isOstiaryError(error) && error.code === 'OST_CONFLICT') return false;
    throw error;
  }
}

async function mustExist(store: Store, name: string): Promise<SinkRecord> {
  const sink = await store.sinks.getByName(name);
  if (!sink) throw new OstiaryError('OST_CONFLICT', `sinks.${name}: changed while being applied; start again`, { details: { field: `sinks.${name}` } });
  return sink;
}

async function updateFromFile(store: Store, existing: SinkRecord, definition: SinkDefinition): Promise<boolean> {
  if (existing.managedBy !== 'config') {
    throw new OstiaryError('OST_CONFIG', `sinks.${definition.name}: a sink of that name is managed through the API`, {
      details: { field: `sinks.${definition.name}` },
    });
  }
  if (existing.kind !== definition.kind) {
    throw new OstiaryError('OST_CONFIG', `sinks.${definition.name}.kind: cannot change from ${existing.kind}; use a new name`, {
      details: { field: `sinks.${definition.name}.kind` },
    });
  }
  const sameConfig = JSON.stringify(existing.config) === JSON.stringify(definition.config);
  if (sameConfig && existing.enabled === definition.enabled) return false;
  await store.sinks.update(existing.id, { config: definition.config, enabled: definition.enabled, actor: CONFIG_FILE_ACTOR });
  return true;
}
