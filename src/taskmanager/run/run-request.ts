import { z } from 'zod';
import { parseInput, validationError } from '../../domain/index.js';
import type { AccessRules } from '../access/access-group.js';
import { justifiesTaskExecution, type Reason } from '../reason/reason.js';

/** What a requester gives when running a task; which parts are required is the access group's rule. */
export interface RunRequest {
  readonly reasonId: string | null;
  readonly justification: string | null;
  readonly governanceCode: string | null;
}

const optional = (max: number) => z.string().trim().max(max, `expected at most ${max} characters`).nullish().transform((value) => (value ? value : null));

const requestSchema = z.object({
  reasonId: optional(100),
  justification: optional(4000),
  governanceCode: optional(200),
}).strict();

export function parseRunRequest(input: unknown, field = 'run'): RunRequest {
  return Object.freeze(parseInput(requestSchema, input ?? {}, field));
}

/**
 * Checks the request against the rules: each required part is present, and a given reason
 * exists, is enabled and may justify a task execution. `reason` is the registered reason
 * `reasonId` names (`null` when there is none).
 */
export function assertRunRequest(request: RunRequest, rules: AccessRules, reason: Reason | null, field = 'run'): void {
  if (rules.reasonRequired && request.reasonId === null) throw validationError(`${field}.reasonId`, 'expected a registered reason (the access group requires one)');
  if (request.reasonId !== null && (reason === null || !justifiesTaskExecution(reason))) {
    throw validationError(`${field}.reasonId`, 'expected an enabled reason of type task_execution or all');
  }
  if (rules.justificationRequired && request.justification === null) throw validationError(`${field}.justification`, 'expected a justification (the access group requires one)');
  if (rules.governanceCodeRequired && request.governanceCode === null) throw validationError(`${field}.governanceCode`, 'expected a governance code (the access group requires one)');
}
