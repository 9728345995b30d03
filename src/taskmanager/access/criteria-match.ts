import type { AccessCriteria } from './access-group.js';

/** What the criteria look at in a task. */
export interface TaskScope {
  readonly environment: string | null;
  readonly system: string | null;
  readonly deviceIds: readonly string[];
}

/**
 * Whether a group's criteria select the task. Environments and systems compare without
 * regard to case (people type `Prod` and `prod`); device ids exactly.
 */
export function criteriaMatch(criteria: AccessCriteria, task: TaskScope): boolean {
  return (
    listAdmits(criteria.environments, task.environment) &&
    listAdmits(criteria.systems, task.system) &&
    (criteria.deviceIds.length === 0 || task.deviceIds.every((id) => criteria.deviceIds.includes(id)))
  );
}

function listAdmits(allowed: readonly string[], value: string | null): boolean {
  if (allowed.length === 0) return true;
  if (value === null) return false;
  const wanted = value.toLowerCase();
  return allowed.some((entry) => entry.toLowerCase() === wanted);
}
