/**
 * Who may do what. Every route names one permission; a role is a set of permissions; a
 * principal holds the union of its roles' permissions (narrowed by an API token's scope).
 * `docs/permissions.md` prints this same table and a test fails when the two disagree.
 */
export const PERMISSIONS = [
  'device:read',
  'device:write',
  'credential:read',
  'credential:write',
  'credential:reveal',
  'template:read',
  'template:write',
  'operation:read',
  'operation:submit',
  'operation:control',
  'approval:decide',
  'audit:read',
  'user:read',
  'user:write',
  'token:own',
  'sink:admin',
  'rotation:read',
  'rotation:request',
  'rotation:admin',
  'event:read',
  'task:read',
  'task:write',
  'task:run',
  'task:admin',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = ['admin', 'operator', 'approver', 'auditor', 'template_author'] as const;
export type Role = (typeof ROLES)[number];

/** What each permission allows, as `docs/permissions.md` explains it. */
export const PERMISSION_MEANINGS: Readonly<Record<Permission, string>> = Object.freeze({
  'device:read': 'List and show devices.',
  'device:write': 'Create, change and delete devices.',
  'credential:read': 'List and show credentials (never their secrets).',
  'credential:write': 'Create and delete credentials, set their secrets (write-only).',
  'credential:reveal': 'Receive a credential secret through the audited reveal, with a reason.',
  'template:read': 'List and show templates and their versions; lint a source.',
  'template:write': 'Create templates and save new versions.',
  'operation:read': 'List and show operations, their attempts and transcripts.',
  'operation:submit': 'Submit operations.',
  'operation:control': 'Cancel, restart a failed operation, request immediate execution.',
  'approval:decide': 'Task Manager: see one’s approval inbox; approve or reject runs and schedules — only as an approver of the governing access group, never one’s own request.',
  'audit:read': 'Query audit events and verify the audit chain.',
  'user:read': 'List and show users and their API tokens.',
  'user:write': 'Create users, change roles, reset passwords, unlock, revoke anyone’s tokens.',
  'token:own': 'Create, list and revoke one’s own API tokens; change one’s own password.',
  'sink:admin': 'Create, change and delete outbound sinks (syslog, webhooks); read their delivery state and log.',
  'rotation:read': 'Show credentials’ rotation state and history (versions and states, never values) and the rotation profiles.',
  'rotation:request': 'Request password changes (one or in bulk), verifies and reconciles.',
  'rotation:admin': 'Set and remove credentials’ rotation settings (policy, executor, templates); create, change and delete rotation profiles.',
  'event:read': 'Read the event feed (poll and stream) — for client systems that follow rotations and operations.',
  'task:read': 'Task Manager: list and show reasons, tasks, access groups, runs, schedules and reports (never a secret).',
  'task:write': 'Task Manager: register, change and delete tasks and their devices; cancel anyone’s schedule.',
  'task:run': 'Task Manager: run and schedule tasks, as an access group allows (its rules decide reason, justification, approval); cancel one’s own schedules.',
  'task:admin': 'Task Manager: manage reasons and access groups (who may run, who approves, with which rules).',
});

const READ_ALL: readonly Permission[] = ['device:read', 'credential:read', 'template:read', 'operation:read'];

/** The one table the API enforces. An auditor changes nothing; only admins reveal. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = Object.freeze({
  admin: PERMISSIONS,
  operator: [...READ_ALL, 'device:write', 'credential:write', 'operation:submit', 'operation:control', 'token:own', 'rotation:read', 'rotation:request', 'event:read', 'task:read', 'task:run'],
  approver: [...READ_ALL, 'approval:decide', 'token:own', 'rotation:read', 'task:read'],
  auditor: [...READ_ALL, 'audit:read', 'user:read', 'token:own', 'rotation:read', 'event:read', 'task:read'],
  template_author: ['device:read', 'template:read', 'template:write', 'operation:read', 'token:own'],
});

/** The union of the roles' permissions, in catalogue order. */
export function permissionsOfRoles(roles: readonly Role[]): readonly Permission[] {
  const granted = new Set(roles.flatMap((role) => ROLE_PERMISSIONS[role]));
  return PERMISSIONS.filter((permission) => granted.has(permission));
}

export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
