import type { Executor } from '../executors/executor.js';

/**
 * The executors a worker started from the command line runs, by name. Each is loaded only
 * when an engine starts, so client commands such as `ops list` do not load SSH libraries.
 */
const EXECUTOR_LOADERS: Readonly<Record<string, () => Promise<Executor>>> = Object.freeze({
  local: async () => new (await import('../executors/local/local-executor.js')).LocalExecutor(),
  ssh: async () => (await import('../executors/ssh/ssh-executor.js')).sshExecutor,
  postgres: async () => new (await import('../executors/postgres/postgres-executor.js')).PostgresExecutor(),
  mysql: async () => new (await import('../executors/mysql/mysql-executor.js')).MysqlExecutor(),
  http: async () => new (await import('../executors/http/http-executor.js')).HttpExecutor(),
});

/** Names of the executors above; `ops submit` refuses others, which no worker would ever claim. */
export function knownExecutorNames(): string[] {
  return Object.keys(EXECUTOR_LOADERS);
}

export function defaultExecutors(): Promise<Executor[]> {
  return Promise.all(Object.values(EXECUTOR_LOADERS).map((load) => load()));
}
