import type { Kysely } from 'kysely';
import { OstiaryError, newId } from '../../domain/index.js';
import type { Database } from '../database.js';
import { decodeCursor, pageLimit, toPage } from '../pagination.js';
import type { StoreContext, WriteTx } from '../store-context.js';
import { notFound } from '../store-errors.js';
import type { Page, PageOf } from '../store.js';
import type { NewTask, TaskFields, TaskFilter, TaskRecord, TaskRepository, TaskUpdate } from '../task-manager-store.js';
import type { TasksTable } from '../task-manager-tables.js';
import { withFieldNames } from './conflict-fields.js';
import { reopenScheduleApprovals, voidRunApprovals } from './approval-voiding.js';
import { credentialColumns, toTask } from './task-manager-rows.js';


/** Tasks and their device lists. */
export function createTaskRepository(ctx: StoreContext): TaskRepository {
  return Object.freeze({
    create: (task: NewTask) => withFieldNames(ctx.write((tx) => createTask(tx, task))),
    get: (id: string) => ctx.query((db) => loadTask(db, id)),
    list: (filter?: TaskFilter, page?: Page) => listTasks(ctx, filter ?? {}, page),
    update: (id: string, fields: TaskFields, bindingHash: string, actor: string) => withFieldNames(ctx.write((tx) => updateTask(tx, id, fields, bindingHash, actor))),
    delete: (id: string) => ctx.write((tx) => deleteTask(tx, id)),
  });
}

async function createTask(tx: WriteTx, task: NewTask): Promise<TaskRecord> {
  await requireReferences(tx.db, task);
  const row: TasksTable = { id: newId(), ...columns(task), created_by: task.createdBy, created_at: tx.now, updated_at: tx.now };
  await tx.db.insertInto('tasks').values(row).execute();
  await writeDevices(tx.db, row.id, task.deviceIds);
  tx.appendEvent('task.created', row.id, { taskId: row.id, actor: task.createdBy });
  return toTask(row, task.deviceIds);
}

async function updateTask(tx: WriteTx, id: string, fields: TaskFields, bindingHash: string, actor: string): Promise<TaskUpdate> {
  await requireReferences(tx.db, fields);
  const row = await tx.db.updateTable('tasks').set({ ...columns(fields), updated_at: tx.now }).where('id', '=', id).returningAll().executeTakeFirst();
  if (!row) throw notFound('task', id);
  await tx.db.deleteFrom('task_devices').where('task_id', '=', id).execute();
  await writeDevices(tx.db, id, fields.deviceIds);
  const voidedRunIds = await voidRunApprovals(tx, id, bindingHash, actor);
  const reapprovalScheduleIds = await reopenScheduleApprovals(tx, id, bindingHash);
  tx.appendEvent('task.updated', id, { taskId: id, actor, voidedRunIds, reapprovalScheduleIds });
  return Object.freeze({ task: toTask(row, fields.deviceIds), voidedRunIds, reapprovalScheduleIds });
}

async function deleteTask(tx: WriteTx, id: string): Promise<void> {
  const used = await tx.db.selectFrom('runs').select('id').where('task_id', '=', id).executeTakeFirst()
    ?? await tx.db.selectFrom('schedules').select('id').where('task_id', '=', id).executeTakeFirst();
  if (used) throw new OstiaryError('OST_CONFLICT', `task.id: task ${id} has runs or schedules and is kept for the reports`, { details: { field: 'task.id' } });
  const result = await tx.db.deleteFrom('tasks').where('id', '=', id).executeTakeFirst();
  if (result.numDeletedRows === 0n) throw notFound('task', id);
  tx.appendEvent('task.deleted', id, { taskId: id });
}

export async function loadTask(db: Kysely<Database>, id: string): Promise<TaskRecord | null> {
  const row = await db.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return null;
  const devices = await db.selectFrom('task_devices').select('device_id').where('task_id', '=', id).orderBy('position').execute();
  return toTask(row, devices.map((device) => device.device_id));
}

async function listTasks(ctx: StoreContext, filter: TaskFilter, page: Page | undefined): Promise<PageOf<TaskRecord>> {
  const limit = pageLimit(page);
  const after = decodeCursor(page);
  return ctx.query(async (db) => {
    let query = db.selectFrom('tasks').selectAll().orderBy('name').orderBy('id').limit(limit + 1);
    if (filter.environment !== undefined) query = query.where('environment', '=', filter.environment);
    if (filter.system !== undefined) query = query.where('system', '=', filter.system);
    if (after) query = query.where((eb) => eb(eb.refTuple('name', 'id'), '>', eb.tuple(String(after[0]), after[1])));
    const rows = await query.execute();
    const devices = await devicesOf(db, rows.map((row) => row.id));
    const result = toPage(rows, limit, (row) => toTask(row, devices.get(row.id) ?? []), (row) => [row.name, row.id]);
    // Tags are a JSON list: filtered here rather than with dialect-specific JSON operators.
    if (filter.tag === undefined) return result;
    const tag = filter.tag;
    return Object.freeze({ items: Object.freeze(result.items.filter((task) => task.tags.includes(tag))), next: result.next });
  });
}

async function devicesOf(db: Kysely<Database>, taskIds: readonly string[]): Promise<Map<string, string[]>> {
  const byTask = new Map<string, string[]>();
  if (taskIds.length === 0) return byTask;
  const rows = await db.selectFrom('task_devices').selectAll().where('task_id', 'in', [...taskIds]).orderBy('task_id').orderBy('position').execute();
  for (const row of rows) byTask.set(row.task_id, [...(byTask.get(row.task_id) ?? []), row.device_id]);
  return byTask;
}

async function writeDevices(db: Kysely<Database>, taskId: string, deviceIds: readonly string[]): Promise<void> {
  if (deviceIds.length === 0) return;
  const rows = deviceIds.map((deviceId, position) => ({ task_id: taskId, device_id: deviceId, position }));
  // 3 columns per row: well under SQLite's bound-parameter limit per chunk.
  for (let start = 0; start < rows.length; start += 500) await db.insertInto('task_devices').values(rows.slice(start, start + 500)).execute();
}

/** Names the missing template, credential or device instead of a bare foreign-key error. */
async function requireReferences(db: Kysely<Database>, task: TaskFields): Promise<void> {
  const template = await db.selectFrom('template_versions').select('version').where('template_id', '=', task.templateId).where('version', '=', task.templateVersion).executeTakeFirst();
  if (!template) throw notFound('template version', `${task.templateId}@${task.templateVersion}`, 'task.templateId');
  if (task.credential.kind === 'credential') {
    const credential = await db.selectFrom('credentials').select('id').where('id', '=', task.credential.credentialId).executeTakeFirst();
    if (!credential) throw notFound('credential', task.credential.credentialId, 'task.credential.credentialId');
  }
  const found = new Set<string>();
  for (let start = 0; start < task.deviceIds.length; start += 500) {
    const chunk = task.deviceIds.slice(start, start + 500);
    for (const row of await db.selectFrom('devices').select('id').where('id', 'in', [...chunk]).execute()) found.add(row.id);
  }
  const index = task.deviceIds.findIndex((id) => !found.has(id));
  if (index >= 0) throw notFound('device', task.deviceIds[index] ?? '', `task.deviceIds.${index}`);
}

function columns(task: TaskFields): Omit<TasksTable, 'id' | 'created_by' | 'created_at' | 'updated_at'> {
  return {
    name: task.name,
    environment: task.environment,
    system: task.system,
    tags: JSON.stringify(task.tags),
    template_id: task.templateId,
    template_version: task.templateVersion,
    variables: JSON.stringify(task.variables),
    ...credentialColumns(task.credential),
  };
}
