/** The SQL dialect of the `postgres` and `mysql` executors (DESIGN §5). Pure: no I/O. */
export type * from './sql-program.js';
export * from './sql-dialect.js';
export { parseSqlSource, parseSqlTemplate, parseSqlTemplateOrThrow } from './parse-sql-template.js';
export type { SqlParse } from './parse-sql-template.js';
export * from './render-sql-statement.js';
