import { OstiaryError } from '../domain/index.js';
import type { HttpProgram } from './http/http-program.js';
import { parseHttpTemplate } from './http/parse-http-template.js';
import type { LocalProgram } from './local/local-program.js';
import { parseLocalTemplate } from './local/parse-local-template.js';
import type { ParseResult } from './parse-result.js';
import { parseSqlTemplate } from './sql/parse-sql-template.js';
import { MYSQL_SQL_DIALECT, POSTGRES_SQL_DIALECT } from './sql/sql-dialect.js';
import type { SqlProgram } from './sql/sql-program.js';
import { parseSshTemplate } from './ssh/parse-ssh-template.js';
import type { SshProgram } from './ssh/ssh-program.js';
import type { TemplateDialect, TemplateProgram } from './template-program.js';

/**
 * Parses source in the dialect of the executor that will run it. Never throws. A `mysql`
 * template is read under the default SQL mode; the executor reads it again under the
 * session's own mode (docs/sql-and-http-executors.md).
 */
export function parseTemplate(dialect: 'ssh', source: string): ParseResult<SshProgram>;
export function parseTemplate(dialect: 'local', source: string): ParseResult<LocalProgram>;
export function parseTemplate(dialect: 'postgres' | 'mysql', source: string): ParseResult<SqlProgram>;
export function parseTemplate(dialect: 'http', source: string): ParseResult<HttpProgram>;
export function parseTemplate(dialect: TemplateDialect, source: string): ParseResult<TemplateProgram>;
export function parseTemplate(dialect: TemplateDialect, source: string): ParseResult<TemplateProgram> {
  switch (dialect) {
    case 'ssh':
      return parseSshTemplate(source);
    case 'local':
      return parseLocalTemplate(source);
    case 'postgres':
      return parseSqlTemplate(source, POSTGRES_SQL_DIALECT);
    case 'mysql':
      return parseSqlTemplate(source, MYSQL_SQL_DIALECT);
    case 'http':
      return parseHttpTemplate(source);
    default:
      return unknownDialect(dialect);
  }
}

/** Reached only when a caller bypasses the types; adding a dialect without a parser fails to compile. */
function unknownDialect(dialect: never): never {
  throw new OstiaryError('OST_VALIDATION', `template.executor: no template dialect ${String(dialect)}`, { details: { field: 'template.executor' } });
}

/**
 * Parses or throws `OST_TEMPLATE_PARSE` whose message names the first error's line and
 * column; `details.diagnostics` holds them all. For executors handed a stored version.
 */
export function parseTemplateOrThrow(dialect: 'ssh', source: string): SshProgram;
export function parseTemplateOrThrow(dialect: 'local', source: string): LocalProgram;
export function parseTemplateOrThrow(dialect: 'postgres' | 'mysql', source: string): SqlProgram;
export function parseTemplateOrThrow(dialect: 'http', source: string): HttpProgram;
export function parseTemplateOrThrow(dialect: TemplateDialect, source: string): TemplateProgram;
export function parseTemplateOrThrow(dialect: TemplateDialect, source: string): TemplateProgram {
  const result = parseTemplate(dialect, source);
  if (result.ok) return result.value;
  const errors = result.diagnostics.filter((entry) => entry.severity === 'error');
  const first = errors[0];
  const where = first ? `line ${first.loc.line}, column ${first.loc.column}: ${first.message}` : 'unknown error';
  throw new OstiaryError('OST_TEMPLATE_PARSE', `${dialect} template: ${where}`, {
    details: { field: 'template.source', diagnostics: errors },
  });
}
