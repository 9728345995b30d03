import { OPERATION_STATUS_LABELS, OstiaryError } from '../../domain/index.js';
import type { Attempt, Operation, OperationStatus } from '../../domain/index.js';
import type { Page, PageOf, Store } from '../../store/store.js';
import type { DashboardFigures, TaskOperationFilter, UserTaskUsage } from '../../store/task-manager-store.js';
import type { TaskManagerDeps } from '../task-manager-deps.js';

/** Console colours for statuses: green succeeded, red Error, the rest neutral (DESIGN §6). */
export const STATUS_COLOURS: Readonly<Record<OperationStatus, 'green' | 'red' | 'amber' | 'blue' | 'grey'>> = Object.freeze({
  waiting_approval: 'amber',
  scheduled: 'blue',
  running: 'blue',
  succeeded: 'green',
  failed: 'red',
  cancelled: 'grey',
  expired: 'grey',
});

/** One operation in the Task Manager's report. */
export interface OperationReportRow {
  readonly operation: Operation;
  readonly taskId: string;
  readonly taskName: string;
  readonly deviceName: string | null;
  /** The product's label: Scheduled, In execution, Successfully completed, Error, … */
  readonly statusLabel: string;
  readonly colour: string;
}

export interface DashboardReport extends DashboardFigures {
  readonly from: number;
  readonly to: number;
  readonly successes: number;
  readonly errors: number;
}

/** Reports over runs and their operations. */
export class ReportService {
  readonly #store: Store;

  constructor(deps: TaskManagerDeps) {
    this.#store = deps.store;
  }

  async operations(filter?: TaskOperationFilter, page?: Page): Promise<PageOf<OperationReportRow>> {
    const result = await this.#store.taskManager.reports.operations(filter, page);
    return Object.freeze({
      items: Object.freeze(result.items.map((row) => Object.freeze({
        ...row,
        statusLabel: OPERATION_STATUS_LABELS[row.operation.status],
        colour: STATUS_COLOURS[row.operation.status],
      }))),
      next: result.next,
    });
  }

  /** Every attempt of an operation with its redacted log. */
  async attempts(operationId: string): Promise<readonly Attempt[]> {
    const operation = await this.#store.operations.get(operationId);
    if (!operation || operation.runId === null) throw new OstiaryError('OST_NOT_FOUND', `task operation ${operationId} does not exist`, { details: { id: operationId } });
    return this.#store.operations.attempts(operationId);
  }

  usersByTask(taskId?: string): Promise<readonly UserTaskUsage[]> {
    return this.#store.taskManager.reports.usersByTask(taskId);
  }

  /** Figures for operations and runs created in [from, to). */
  async dashboard(from: number, to: number, top = 10): Promise<DashboardReport> {
    if (!(Number.isSafeInteger(from) && Number.isSafeInteger(to) && from < to)) {
      throw new OstiaryError('OST_VALIDATION', 'dashboard.to: expected a range with from before to', { details: { field: 'dashboard.to' } });
    }
    const figures = await this.#store.taskManager.reports.dashboard(from, to, top);
    return Object.freeze({ ...figures, from, to, successes: figures.byStatus.succeeded ?? 0, errors: figures.byStatus.failed ?? 0 });
  }
}
