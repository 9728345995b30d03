import type { Logger } from 'pino';
import { OstiaryError } from '../domain/index.js';
import type { OperationRunner } from '../engine/operation-runner.js';
import type { Store } from '../store/store.js';
import { Scheduler, type SchedulerOptions } from './scheduler.js';

/**
 * The Task Manager's scheduler as background work of the engine (the seam the rotation
 * scheduler uses): it starts and stops with the engine of `ostiary start` and `ostiary worker`.
 * It takes over no operation type — the runs it creates are ordinary task operations the
 * engine claims. Any number of processes may run it on PostgreSQL: the store records each
 * fire once, so each fire makes one run.
 */
export function schedulerRunner(store: Store, logger: Logger, options: Omit<SchedulerOptions, 'onError'> = {}): OperationRunner {
  const scheduler = new Scheduler({ store }, {
    ...options,
    onError: (error) => logger.warn({ code: error instanceof OstiaryError ? error.code : 'OST_INTERNAL', message: error instanceof Error ? error.message : String(error) }, 'task manager scheduler pass failed'),
  });
  return {
    handles: () => false,
    run: () => Promise.reject(new OstiaryError('OST_INTERNAL', 'the task manager scheduler runs no attempts')),
    start: () => {
      scheduler.start();
      logger.info({ intervalMs: options.intervalMs ?? 15_000 }, 'task manager scheduler started');
    },
    stop: () => scheduler.stop(),
  };
}
