import { validationError } from '../../domain/index.js';
import { OstiaryError } from '../../domain/index.js';
import type { Page, PageOf, Store } from '../../store/store.js';
import type { TaskFields, TaskFilter, TaskRecord, TaskUpdate } from '../../store/task-manager-store.js';
import { bindingHash } from '../approval/binding-hash.js';
import type { Actor, TaskManagerDeps } from '../task-manager-deps.js';
import { parseTaskChanges, parseTaskDefinition, type TaskDefinition } from './task-definition.js';
import { validateTaskAgainstTemplate } from './task-validation.js';

/** Saving, editing and listing tasks; every save is validated against the template. */
export class TaskService {
  readonly #store: Store;

  constructor(deps: TaskManagerDeps) {
    this.#store = deps.store;
  }

  async create(input: unknown, actor: Actor): Promise<TaskRecord> {
    const fields = await this.#validated(parseTaskDefinition(input));
    return this.#store.taskManager.tasks.create({ ...fields, createdBy: actor.name });
  }

  /** Applies the changes; pending approvals bound to the old form are voided. */
  async update(id: string, input: unknown, actor: Actor): Promise<TaskUpdate> {
    const current = await this.get(id);
    const changes = parseTaskChanges(input);
    // A new template without a version takes its latest, not the old template's number.
    const templateVersion = changes.templateId !== undefined && changes.templateVersion === undefined ? null : current.templateVersion;
    const merged = parseTaskDefinition({ ...definitionOf(current), templateVersion, ...changes });
    const fields = await this.#validated(merged);
    return this.#store.taskManager.tasks.update(id, fields, bindingOf(id, fields), actor.name);
  }

  async addDevices(id: string, deviceIds: readonly string[], actor: Actor): Promise<TaskUpdate> {
    const current = await this.get(id);
    return this.update(id, { deviceIds: [...current.deviceIds, ...deviceIds] }, actor);
  }

  async removeDevices(id: string, deviceIds: readonly string[], actor: Actor): Promise<TaskUpdate> {
    const current = await this.get(id);
    const remaining = current.deviceIds.filter((deviceId) => !deviceIds.includes(deviceId));
    if (remaining.length === 0) throw validationError('task.deviceIds', 'expected at least one device to remain');
    return this.update(id, { deviceIds: remaining }, actor);
  }

  async get(id: string): Promise<TaskRecord> {
    const task = await this.#store.taskManager.tasks.get(id);
    if (!task) throw new OstiaryError('OST_NOT_FOUND', `task ${id} does not exist`, { details: { id } });
    return task;
  }

  list(filter?: TaskFilter, page?: Page): Promise<PageOf<TaskRecord>> {
    return this.#store.taskManager.tasks.list(filter, page);
  }

  delete(id: string): Promise<void> {
    return this.#store.taskManager.tasks.delete(id);
  }

  /** Pins the template version and checks the variables against it. */
  async #validated(definition: TaskDefinition): Promise<TaskFields> {
    const template = await this.#store.templates.get(definition.templateId);
    if (!template) throw new OstiaryError('OST_NOT_FOUND', `task.templateId: template ${definition.templateId} does not exist`, { details: { field: 'task.templateId' } });
    const version = await this.#store.templates.getVersion(template.id, definition.templateVersion ?? template.latestVersion);
    if (!version) throw validationError('task.templateVersion', `template ${template.name} has no version ${String(definition.templateVersion)}`);
    const credentialFields = await this.#credentialFields(definition);
    return validateTaskAgainstTemplate(definition, { template, version, credentialFields });
  }

  async #credentialFields(definition: TaskDefinition): Promise<readonly string[] | null> {
    if (definition.credential.kind === 'username') return null;
    const credential = await this.#store.credentials.get(definition.credential.credentialId);
    if (!credential) throw new OstiaryError('OST_NOT_FOUND', `task.credential.credentialId: credential ${definition.credential.credentialId} does not exist`, { details: { field: 'task.credential.credentialId' } });
    return credential.fields.map((field) => field.name.toUpperCase());
  }
}

/** The binding hash of a task as stored (or about to be). */
export function bindingOf(taskId: string, task: Pick<TaskFields, 'templateId' | 'templateVersion' | 'variables' | 'deviceIds' | 'credential'>): string {
  return bindingHash({ taskId, templateId: task.templateId, templateVersion: task.templateVersion, variables: task.variables, deviceIds: task.deviceIds, credential: task.credential });
}

/** The editable fields of a stored task, as a definition. */
function definitionOf(task: TaskRecord): TaskDefinition {
  const { name, environment, system, tags, templateId, templateVersion, variables, credential, deviceIds } = task;
  return { name, environment, system, tags, templateId, templateVersion, variables, credential, deviceIds };
}
