import { OstiaryError } from '../domain/index.js';
import type { TemplateType } from '../domain/index.js';
import type { Diagnostic } from './ast.js';
import { parseHttpSource } from './http/parse-http-template.js';
import type { LintRule } from './lint/lint-rule.js';
import { missingFinalCheck, newPasswordUnused, passwordMaskInTask } from './lint/password-change-checks.js';
import { secretInShell } from './lint/secret-in-shell.js';
import { unknownMask, unusedDeclaration } from './lint/unknown-mask.js';
import { parseLocalSource } from './local/parse-local-template.js';
import { sortDiagnostics } from './parse-result.js';
import { parseSqlSource } from './sql/parse-sql-template.js';
import { MYSQL_SQL_DIALECT, POSTGRES_SQL_DIALECT } from './sql/sql-dialect.js';
import { parseSshSource } from './ssh/parse-ssh-template.js';
import type { TemplateDialect, TemplateProgram } from './template-program.js';

export interface LintOptions {
  readonly dialect: TemplateDialect;
  /** The template's type; rules specific to a type run only when it is given. */
  readonly type?: TemplateType;
}

/**
 * Semantic rules, run on the steps that parsed even when other lines did not. Each rule
 * decides which dialects it applies to (docs/templates.md lists them).
 */
const RULES: readonly LintRule[] = [unknownMask, unusedDeclaration, secretInShell, missingFinalCheck, newPasswordUnused, passwordMaskInTask];

/**
 * Every finding on a template, in source order: the parser's (syntax, unknown command,
 * missing quote, invalid regex, numbers out of range, lines after `end`) and the rules' above.
 * Never throws. Each rule and its severity is listed in docs/templates.md.
 */
export function lintTemplate(source: string, options: LintOptions): Diagnostic[] {
  const parsed = parseSource(options.dialect, source);
  const context = { program: parsed.program, dialect: options.dialect, type: options.type };
  return sortDiagnostics([...parsed.diagnostics, ...RULES.flatMap((rule) => rule(context))]);
}

/** Exhaustive over dialects, so adding one without its parser fails to compile. */
function parseSource(dialect: TemplateDialect, source: string): { program: TemplateProgram; diagnostics: readonly Diagnostic[] } {
  switch (dialect) {
    case 'ssh':
      return parseSshSource(source);
    case 'local':
      return parseLocalSource(source);
    case 'postgres':
      return parseSqlSource(source, POSTGRES_SQL_DIALECT);
    case 'mysql':
      return parseSqlSource(source, MYSQL_SQL_DIALECT);
    case 'http':
      return parseHttpSource(source);
    default:
      return unknownDialect(dialect);
  }
}

function unknownDialect(dialect: never): never {
  throw new OstiaryError('OST_VALIDATION', `template.executor: no template dialect ${String(dialect)}`, { details: { field: 'template.executor' } });
}

/**
 * For whoever saves a template: throws `OST_TEMPLATE_LINT` when lint finds an error, with
 * every diagnostic in `details.diagnostics`; returns the warnings otherwise.
 */
export function assertTemplateSavable(source: string, dialect: TemplateDialect, type: TemplateType | undefined): Diagnostic[] {
  const diagnostics = lintTemplate(source, { dialect, type });
  const errors = diagnostics.filter((entry) => entry.severity === 'error');
  const first = errors[0];
  if (!first) return diagnostics;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  const message = `template.source: line ${first.loc.line}, column ${first.loc.column}: ${first.message} [${first.rule}]${more}`;
  throw new OstiaryError('OST_TEMPLATE_LINT', message, { details: { field: 'template.source', diagnostics } });
}

/** `file:line:col: severity: message [rule]`, the format compilers and editors understand. */
export function formatDiagnostic(file: string, entry: Diagnostic): string {
  return `${file}:${entry.loc.line}:${entry.loc.column}: ${entry.severity}: ${entry.message} [${entry.rule}]`;
}
