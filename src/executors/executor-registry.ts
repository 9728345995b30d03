import { OstiaryError } from '../domain/index.js';
import type { Executor } from './executor.js';

/** The executors one worker can run, by name. */
export class ExecutorRegistry {
  readonly #executors = new Map<string, Executor>();

  constructor(executors: readonly Executor[] = []) {
    for (const executor of executors) this.register(executor);
  }

  register(executor: Executor): void {
    this.#executors.set(executor.name, executor);
  }

  get(name: string): Executor {
    const executor = this.#executors.get(name);
    if (!executor) throw new OstiaryError('OST_EXECUTOR_UNKNOWN', `no executor named "${name}"`, { details: { field: 'executor' } });
    return executor;
  }

  names(): readonly string[] {
    return [...this.#executors.keys()];
  }
}
