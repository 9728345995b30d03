import type { Kysely } from 'kysely';
import { OPERATION_STATUSES, validationError, type OperationStatus } from '../../domain/index.js';
import type { Database } from '../database.js';
import { toOperation } from '../operations/operation-rows.js';
import { decodeCursor, pageLimit, toPage } from '../pagination.js';
import type { StoreContext } from '../store-context.js';
import type { Page, PageOf } from '../store.js';
import type { CountBy, DashboardFigures, RunOrigin, TaskOperationFilter, TaskOperationRow, TaskReportQueries, UserTaskUsage } from '../task-manager-store.js';

/** Report queries over task runs and their operations. */
export function createTaskReportQueries(ctx: StoreContext): TaskReportQueries {
  return Object.freeze({
    operations: (filter?: TaskOperationFilter, page?: Page) => operationsReport(ctx, filter ?? {}, page),
    usersByTask: (taskId?: string) => ctx.query((db) => usersByTask(db, taskId)),
    dashboard: (from: number, to: number, top: number) => ctx.query((db) => dashboard(db, from, to, top)),
  });
}

function taskOperations(db: Kysely<Database>) {
  return db.selectFrom('operations')
    .innerJoin('runs', 'runs.id', 'operations.run_id')
    .innerJoin('tasks', 'tasks.id', 'runs.task_id')
    .leftJoin('devices', 'devices.id', 'operations.device_id');
}

/** Newest first; `createdFrom` inclusive, `createdTo` exclusive. */
async function operationsReport(ctx: StoreContext, filter: TaskOperationFilter, page: Page | undefined): Promise<PageOf<TaskOperationRow>> {
  const limit = pageLimit(page);
  const after = decodeCursor(page);
  const unknown = filter.status?.find((status) => !(OPERATION_STATUSES as readonly string[]).includes(status));
  if (unknown !== undefined) throw validationError('filter.status', `expected statuses among ${OPERATION_STATUSES.join(', ')}`);
  return ctx.query(async (db) => {
    let query = taskOperations(db).selectAll('operations')
      .select(['runs.task_id as report_task_id', 'tasks.name as report_task_name', 'devices.name as report_device_name'])
      .orderBy('operations.created_at', 'desc').orderBy('operations.id', 'desc').limit(limit + 1);
    if (filter.taskId !== undefined) query = query.where('runs.task_id', '=', filter.taskId);
    if (filter.runId !== undefined) query = query.where('operations.run_id', '=', filter.runId);
    if (filter.status !== undefined) query = query.where('operations.status', 'in', filter.status.length > 0 ? [...filter.status] : ['']);
    if (filter.deviceId !== undefined) query = query.where('operations.device_id', '=', filter.deviceId);
    if (filter.createdFrom !== undefined) query = query.where('operations.created_at', '>=', filter.createdFrom);
    if (filter.createdTo !== undefined) query = query.where('operations.created_at', '<', filter.createdTo);
    if (after) query = query.where((eb) => eb(eb.refTuple('operations.created_at', 'operations.id'), '<', eb.tuple(Number(after[0]), after[1])));
    const rows = await query.execute();
    return toPage(rows, limit, (row) => Object.freeze({
      operation: toOperation(row),
      taskId: row.report_task_id,
      taskName: row.report_task_name,
      deviceName: row.report_device_name,
    }), (row) => [row.created_at, row.id]);
  });
}

async function usersByTask(db: Kysely<Database>, taskId: string | undefined): Promise<readonly UserTaskUsage[]> {
  let query = db.selectFrom('runs').innerJoin('tasks', 'tasks.id', 'runs.task_id')
    .select(['runs.task_id', 'tasks.name', 'runs.requester_name', (eb) => eb.fn.countAll<number>().as('runs'), (eb) => eb.fn.max('runs.created_at').as('last_run_at')])
    .groupBy(['runs.task_id', 'tasks.name', 'runs.requester_name'])
    .orderBy('tasks.name').orderBy('runs.requester_name');
  if (taskId !== undefined) query = query.where('runs.task_id', '=', taskId);
  const rows = await query.execute();
  return Object.freeze(rows.map((row) => Object.freeze({
    taskId: row.task_id, taskName: row.name, requesterName: row.requester_name, runs: Number(row.runs), lastRunAt: Number(row.last_run_at),
  })));
}

async function dashboard(db: Kysely<Database>, from: number, to: number, top: number): Promise<DashboardFigures> {
  const inRange = taskOperations(db).where('operations.created_at', '>=', from).where('operations.created_at', '<', to);
  const byStatus = await inRange.select(['operations.status as key', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('operations.status').execute();
  const byEnvironment = await inRange.select(['tasks.environment as key', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('tasks.environment').orderBy('n', 'desc').execute();
  const bySystem = await inRange.select(['tasks.system as key', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('tasks.system').orderBy('n', 'desc').execute();
  const topDevices = await inRange.select(['operations.device_id as key', 'devices.name as label', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy(['operations.device_id', 'devices.name']).orderBy('n', 'desc').orderBy('devices.name').limit(top).execute();
  const runs = db.selectFrom('runs').innerJoin('tasks', 'tasks.id', 'runs.task_id').where('runs.created_at', '>=', from).where('runs.created_at', '<', to);
  const byOrigin = await runs.select(['runs.origin as key', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('runs.origin').execute();
  const topTasks = await runs.select(['runs.task_id as key', 'tasks.name as label', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy(['runs.task_id', 'tasks.name']).orderBy('n', 'desc').orderBy('tasks.name').limit(top).execute();
  return Object.freeze({
    byStatus: Object.freeze(Object.fromEntries(byStatus.map((row) => [row.key as OperationStatus, Number(row.n)]))),
    byEnvironment: countsBy(byEnvironment),
    bySystem: countsBy(bySystem),
    byOrigin: Object.freeze(Object.fromEntries(byOrigin.map((row) => [row.key as RunOrigin, Number(row.n)]))),
    topTasks: countsBy(topTasks),
    topDevices: countsBy(topDevices),
  });
}

function countsBy(rows: readonly { key: string | null; label?: string | null; n: number | string | bigint }[]): readonly CountBy[] {
  return Object.freeze(rows.map((row) => Object.freeze({ key: row.key, label: row.label ?? row.key, count: Number(row.n) })));
}
