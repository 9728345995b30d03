/** The `postgres` executor: SQL-dialect templates on PostgreSQL, and login checks for rotation. */
export { POSTGRES_QUOTING, PostgresExecutor } from './postgres-executor.js';
export { postgresConfigSchema, SSL_MODES, type PostgresConfig, type SslMode } from './postgres-config.js';
export { isScramStable } from './scram-password.js';
