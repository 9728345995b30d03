import { OstiaryError } from '../../domain/index.js';
import type { AccessGroup, AccessRules } from './access-group.js';
import { criteriaMatch, type TaskScope } from './criteria-match.js';

/** The rules that bind one user on one task, and who may approve. */
export interface EffectiveAccess {
  /** The groups that grant the access, by id. */
  readonly groupIds: readonly string[];
  readonly rules: AccessRules;
  /**
   * User ids that may answer the approval: the approvers of every governing group that
   * requires approval. A group that requires none grants no approval power.
   */
  readonly approvers: readonly string[];
}

/**
 * The most restrictive combination of several groups' rules: any "required" wins, the
 * largest number of approvals, the smallest number of rejections, the shortest lifetime.
 */
export function mostRestrictive(rules: readonly AccessRules[]): AccessRules {
  const [first, ...rest] = rules;
  if (!first) throw new OstiaryError('OST_INTERNAL', 'mostRestrictive needs at least one set of rules');
  return Object.freeze(rest.reduce<AccessRules>((a, b) => ({
    reasonRequired: a.reasonRequired || b.reasonRequired,
    justificationRequired: a.justificationRequired || b.justificationRequired,
    governanceCodeRequired: a.governanceCodeRequired || b.governanceCodeRequired,
    approvalsRequired: Math.max(a.approvalsRequired, b.approvalsRequired),
    rejectionsToDeny: Math.min(a.rejectionsToDeny, b.rejectionsToDeny),
    approvalLifetimeMs: Math.min(a.approvalLifetimeMs, b.approvalLifetimeMs),
  }), first));
}

/** The enabled groups that list the user and whose criteria select the task. */
export function governingGroups(groups: readonly AccessGroup[], userId: string, task: TaskScope): AccessGroup[] {
  return groups.filter((group) => group.enabled && group.users.includes(userId) && criteriaMatch(group.criteria, task));
}

/**
 * Resolves a user's access to a task, or throws `OST_FORBIDDEN` when no group grants it:
 * being allowed to run a task is always explicit.
 */
export function resolveAccess(groups: readonly AccessGroup[], userId: string, task: TaskScope): EffectiveAccess {
  const governing = governingGroups(groups, userId, task);
  if (governing.length === 0) {
    throw new OstiaryError('OST_FORBIDDEN', 'no access group lets this user run this task', { details: { permission: 'task:run', userId } });
  }
  const approvers = governing.filter((group) => group.rules.approvalsRequired > 0).flatMap((group) => group.approvers);
  return Object.freeze({
    groupIds: Object.freeze(governing.map((group) => group.id)),
    rules: mostRestrictive(governing.map((group) => group.rules)),
    approvers: Object.freeze([...new Set(approvers)].filter((id) => id !== userId)),
  });
}
