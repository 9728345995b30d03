/** The `mysql` executor: SQL-dialect templates on MySQL and MariaDB, and login checks for rotation. */
export { MysqlExecutor, mysqlQuoting } from './mysql-executor.js';
export { mysqlConfigSchema, MYSQL_SSL_MODES, type MysqlConfig } from './mysql-config.js';
