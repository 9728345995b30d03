import { z } from 'zod';
import type { AccessCriteria, AccessGroupRecord, AccessRules, NewAccessGroup } from '../../store/task-manager-store.js';
import { parseInput } from '../../domain/index.js';

/**
 * An access group (DESIGN §6): users who may run the tasks its criteria select, approvers,
 * and rules. Criteria: an empty list places no condition; a task matches when every
 * non-empty list admits it (for devices: every device of the task is listed).
 */
export type AccessGroup = AccessGroupRecord;
export type { AccessCriteria, AccessRules };

const HOUR_MS = 3_600_000;

/**
 * Rules when a group states none: a reason is required, nothing else, no approval; when
 * approval is asked for, one rejection denies and the request lives 24 hours.
 */
export const DEFAULT_ACCESS_RULES: AccessRules = Object.freeze({
  reasonRequired: true,
  justificationRequired: false,
  governanceCodeRequired: false,
  approvalsRequired: 0,
  rejectionsToDeny: 1,
  approvalLifetimeMs: 24 * HOUR_MS,
});

const ids = z.array(z.string().trim().min(1, 'expected an id').max(100)).max(10_000).default([]);
const names = z.array(z.string().trim().min(1, 'expected a name').max(100)).max(1_000).default([]);

const rulesSchema = z.object({
  reasonRequired: z.boolean().default(DEFAULT_ACCESS_RULES.reasonRequired),
  justificationRequired: z.boolean().default(DEFAULT_ACCESS_RULES.justificationRequired),
  governanceCodeRequired: z.boolean().default(DEFAULT_ACCESS_RULES.governanceCodeRequired),
  approvalsRequired: z.number().int().min(0).max(100).default(DEFAULT_ACCESS_RULES.approvalsRequired),
  rejectionsToDeny: z.number().int().min(1, 'expected at least 1').max(100).default(DEFAULT_ACCESS_RULES.rejectionsToDeny),
  approvalLifetimeMs: z.number().int().min(60_000, 'expected at least one minute').max(366 * 24 * HOUR_MS).default(DEFAULT_ACCESS_RULES.approvalLifetimeMs),
}).strict();

const groupSchema = z.object({
  name: z.string().trim().min(1, 'expected a non-empty name').max(200),
  users: ids,
  approvers: ids,
  criteria: z.object({ environments: names, systems: names, deviceIds: ids }).strict().default({ environments: [], systems: [], deviceIds: [] }),
  rules: rulesSchema.default(DEFAULT_ACCESS_RULES),
  enabled: z.boolean().default(true),
}).strict();

const unique = (values: readonly string[]) => Object.freeze([...new Set(values)]);

/** Validates an access group at the door (errors name the field), deduplicates and freezes it. */
export function parseAccessGroup(input: unknown, field = 'accessGroup'): NewAccessGroup {
  const group = parseInput(groupSchema, input, field);
  return Object.freeze({
    name: group.name,
    users: unique(group.users),
    approvers: unique(group.approvers),
    criteria: Object.freeze({ environments: unique(group.criteria.environments), systems: unique(group.criteria.systems), deviceIds: unique(group.criteria.deviceIds) }),
    rules: Object.freeze({ ...group.rules }),
    enabled: group.enabled,
  });
}
