import { OstiaryError } from '../../domain/index.js';
import type { NewOperation } from '../../domain/index.js';
import type { Store } from '../../store/store.js';
import type { ApprovalTerms, FailedDevice, NewRun, NewRunRecord, TaskRecord } from '../../store/task-manager-store.js';

/** Who asked and why, as the run records it. */
export type RunMeta = Omit<NewRunRecord, 'taskId' | 'templateId' | 'templateVersion' | 'approval'> & { readonly approval: ApprovalTerms };

/**
 * The fan-out of a run: one operation per device with the credential the task's choice
 * resolves to. A device whose username lookup finds no credential gets a failed operation
 * with a message saying so; the other devices go on.
 */
export async function buildRun(store: Store, task: TaskRecord, meta: RunMeta): Promise<NewRun> {
  const template = await store.templates.get(task.templateId);
  if (!template) throw new OstiaryError('OST_NOT_FOUND', `template ${task.templateId} of task ${task.name} does not exist`, { details: { field: 'task.templateId' } });
  const base = {
    type: 'task' as const,
    executor: template.executor,
    templateId: task.templateId,
    templateVersion: task.templateVersion,
    variables: task.variables,
    requester: meta.requesterName,
  };
  const status = meta.approval.state === 'waiting_approval' ? 'waiting_approval' : 'scheduled';
  const operations: NewOperation[] = [];
  const failed: FailedDevice[] = [];
  for (const deviceId of task.deviceIds) {
    const credentialId = await resolveCredential(store, task, deviceId);
    if (credentialId === null) failed.push(await lookupFailure(store, task, deviceId));
    else operations.push({ ...base, deviceId, credentialId, status });
  }
  const run: NewRunRecord = { ...meta, taskId: task.id, templateId: task.templateId, templateVersion: task.templateVersion };
  return { run, operations, failed, failedTemplate: base };
}

async function resolveCredential(store: Store, task: TaskRecord, deviceId: string): Promise<string | null> {
  if (task.credential.kind === 'credential') return task.credential.credentialId;
  const credential = await store.credentials.findByDeviceAndUsername(deviceId, task.credential.username);
  return credential?.id ?? null;
}

async function lookupFailure(store: Store, task: TaskRecord, deviceId: string): Promise<FailedDevice> {
  const device = await store.devices.get(deviceId);
  const username = task.credential.kind === 'username' ? task.credential.username : '';
  return {
    deviceId,
    errorCode: 'OST_NOT_FOUND',
    message: `no credential with username ${JSON.stringify(username)} is registered on device ${device?.name ?? deviceId}`,
  };
}
