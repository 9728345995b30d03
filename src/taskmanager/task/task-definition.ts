import { z } from 'zod';
import type { CredentialChoice, TaskRecord } from '../../store/task-manager-store.js';
import { parseInput } from '../../domain/index.js';

/**
 * How each operation of a run gets its credential: one registered credential logs in to
 * every device, or a username is looked up among each device's own credentials.
 */
export type { CredentialChoice };

/** What an admin fills in to save a task (DESIGN §6). */
export interface TaskDefinition {
  /** Unique. */
  readonly name: string;
  readonly environment: string | null;
  readonly system: string | null;
  readonly tags: readonly string[];
  readonly templateId: string;
  /** The template version the task runs; `null` on input means the latest at save time. */
  readonly templateVersion: number | null;
  /** Task variables as typed (names case-insensitive); stored upper-case. */
  readonly variables: Readonly<Record<string, string>>;
  readonly credential: CredentialChoice;
  readonly deviceIds: readonly string[];
}

/** A saved task. */
export type Task = TaskRecord;

const text = (max: number) => z.string().trim().min(1, 'expected a non-empty string').max(max, `expected at most ${max} characters`);
const optionalText = z.string().trim().max(100, 'expected at most 100 characters').nullish().transform((value) => (value ? value : null));

export const credentialChoiceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('credential'), credentialId: text(100) }).strict(),
  z.object({ kind: z.literal('username'), username: text(200) }).strict(),
], { error: 'expected { kind: "credential", credentialId } or { kind: "username", username }' });

const definitionSchema = z.object({
  name: text(200),
  environment: optionalText,
  system: optionalText,
  tags: z.array(text(60)).max(50).default([]),
  templateId: text(100),
  templateVersion: z.number().int().min(1).nullish().transform((value) => value ?? null),
  variables: z.record(z.string(), z.string().max(4096, 'expected at most 4096 characters')).default({}),
  credential: credentialChoiceSchema,
  deviceIds: z.array(text(100)).min(1, 'expected at least one device').max(10_000),
}).strict();

/** Checks the shape of a task at the door (errors name the field); template checks come next. */
export function parseTaskDefinition(input: unknown, field = 'task'): TaskDefinition {
  const parsed = parseInput(definitionSchema, input, field);
  return Object.freeze({
    ...parsed,
    tags: Object.freeze([...new Set(parsed.tags)]),
    deviceIds: Object.freeze([...new Set(parsed.deviceIds)]),
    variables: Object.freeze({ ...parsed.variables }),
    credential: Object.freeze({ ...parsed.credential }),
  });
}

/** The fields of a definition that may change on edit; absent ones keep their value. */
export type TaskChanges = Partial<TaskDefinition>;

/** Validates a partial edit with the same rules as a full definition. */
export function parseTaskChanges(input: unknown, field = 'task'): TaskChanges {
  const parsed = parseInput(definitionSchema.partial(), input, field);
  // Defaults (tags, variables) would stand in for fields the edit leaves alone: keep only what was given.
  const given = new Set(typeof input === 'object' && input !== null ? Object.keys(input) : []);
  return Object.freeze(Object.fromEntries(Object.entries(parsed).filter(([key, value]) => value !== undefined && given.has(key)))) as TaskChanges;
}
