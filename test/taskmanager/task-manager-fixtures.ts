import type { Store } from '../../src/store/store.js';
import type { AccessRules } from '../../src/store/task-manager-store.js';
import { DEFAULT_ACCESS_RULES } from '../../src/taskmanager/access/access-group.js';
import type { Actor } from '../../src/taskmanager/task-manager-deps.js';
import { sealed } from '../store/fixtures.js';

/** The manual's template: restart a service named by a declared variable, check it said done. */
export const RESTART_TEMPLATE = [
  '#@var SERVICE "[a-z0-9_.-]+" "Service to restart"',
  'set-read-timeout 20',
  'exec "service [#SERVICE#] restart"',
  'expect "Restarting [#SERVICE#]*done"',
  'end',
].join('\n');

export const admin: Actor = { id: 'u-admin', name: 'admin' };
export const operator: Actor = { id: 'u-operator', name: 'operator' };
export const approver1: Actor = { id: 'u-approver1', name: 'approver1' };
export const approver2: Actor = { id: 'u-approver2', name: 'approver2' };

export interface Seeded {
  readonly deviceIds: readonly string[];
  readonly templateId: string;
  readonly credentialId: string;
  readonly reasonId: string;
}

/** Three devices, the restart template, one registered credential (on the first device), a reason. */
export async function seed(store: Store, prefix = 'srv'): Promise<Seeded> {
  const deviceIds: string[] = [];
  for (let i = 1; i <= 3; i += 1) deviceIds.push((await store.devices.create({ name: `${prefix}-${i}`, address: `127.0.0.${i}` })).id);
  const { template } = await store.templates.create({ name: `Restart (${prefix})`, type: 'task', executor: 'ssh', source: RESTART_TEMPLATE, author: 'admin' });
  const credential = await store.credentials.create({ deviceId: deviceIds[0] as string, username: 'svcbackup', secret: sealed() });
  const reason = await store.taskManager.reasons.create({ name: `Maintenance (${prefix})`, type: 'task_execution', enabled: true });
  return { deviceIds, templateId: template.id, credentialId: credential.id, reasonId: reason.id };
}

/** An access group letting the operator run everything, with these rules. */
export async function allowOperator(store: Store, rules: Partial<AccessRules>, approvers: readonly string[] = [approver1.id, approver2.id], name = 'Operators'): Promise<void> {
  await store.taskManager.accessGroups.create({
    name,
    users: [operator.id],
    approvers,
    criteria: { environments: [], systems: [], deviceIds: [] },
    rules: { ...DEFAULT_ACCESS_RULES, ...rules },
    enabled: true,
  });
}

export function taskInput(seeded: Seeded, service = 'rsync', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: `Restart backup services (${service})`,
    environment: 'Production',
    system: 'Backup',
    templateId: seeded.templateId,
    variables: { service },
    credential: { kind: 'credential', credentialId: seeded.credentialId },
    deviceIds: seeded.deviceIds,
    ...extra,
  };
}

/** The manual's "Restart backup services" template: SSH, one variable `SERVICE` with a `#@var` pattern. */
export const RESTART_SERVICE_TEMPLATE = [
  '# Restart a service on each device (task variable SERVICE)',
  '#@var SERVICE "[a-z0-9_.-]+" "Service to restart"',
  'expect "*$"',
  'exec "service [#SERVICE#] restart"',
  'expect "Restarting [#SERVICE#]*done"',
  'end',
].join('\n');

