import { z } from 'zod';
import type { NewReason, ReasonRecord, ReasonType } from '../../store/task-manager-store.js';
import { parseInput } from '../../domain/index.js';

/** What a reason may justify. */
export const REASON_TYPES = ['task_execution', 'file_download', 'all'] as const satisfies readonly ReasonType[];
export type { ReasonType };

/** A registered reason a requester picks when running a task (DESIGN §6). */
export type Reason = ReasonRecord;
export type ReasonInput = NewReason;

const reasonSchema = z.object({
  name: z.string().trim().min(1, 'expected a non-empty name').max(200),
  type: z.enum(REASON_TYPES, { error: `expected one of ${REASON_TYPES.join(', ')}` }),
  enabled: z.boolean().default(true),
}).strict();

export function parseReasonInput(input: unknown, field = 'reason'): ReasonInput {
  return Object.freeze(parseInput(reasonSchema, input, field));
}

export function parseReasonChanges(input: unknown, field = 'reason'): Partial<ReasonInput> {
  const parsed = parseInput(reasonSchema.partial(), input, field);
  // `enabled` has a default, which must not stand in for a field the edit leaves alone.
  const given = new Set(typeof input === 'object' && input !== null ? Object.keys(input) : []);
  return Object.freeze(Object.fromEntries(Object.entries(parsed).filter(([key, value]) => value !== undefined && given.has(key))));
}

/** Whether the reason may be given for running a task. */
export function justifiesTaskExecution(reason: Reason): boolean {
  return reason.enabled && (reason.type === 'task_execution' || reason.type === 'all');
}
