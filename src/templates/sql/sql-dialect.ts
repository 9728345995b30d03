/**
 * How one SQL server reads its source, as capability flags (never `if (dialect === …)`):
 * which characters quote strings and identifiers, which comments exist, whether a
 * backslash escapes inside a string. The SQL template parser reads a template exactly as
 * the server will, so it always knows whether a mask stands in a string literal, in an
 * identifier, or elsewhere.
 */
export interface SqlDialect {
  /** Also the name of the executor that runs the dialect. */
  readonly name: 'postgres' | 'mysql';
  /** `"…"` delimits an identifier (PostgreSQL; MySQL with `ANSI_QUOTES`) or a string (MySQL). */
  readonly doubleQuotes: 'identifier' | 'string';
  /** `` `…` `` delimits an identifier (MySQL). */
  readonly backtickIdentifiers: boolean;
  /** A backslash escapes the next character inside a string (MySQL unless `NO_BACKSLASH_ESCAPES`). */
  readonly backslashEscapes: boolean;
  /** `E'…'` strings, in which a backslash escapes (PostgreSQL). */
  readonly escapeStringPrefix: boolean;
  /** `$tag$ … $tag$` strings (PostgreSQL). */
  readonly dollarQuotes: boolean;
  /** `#` anywhere on a line starts a comment (MySQL). A line that starts with `#` is a comment in every dialect. */
  readonly hashComments: boolean;
  /** `/* /* … *\/ *\/` nests (PostgreSQL). */
  readonly nestedBlockComments: boolean;
  /** `--` starts a comment only when a space or the end of the line follows (MySQL). */
  readonly dashCommentNeedsSpace: boolean;
  /**
   * Whether a string literal written right after `prefix` (`E'…'`, `N'…'`, `_utf8mb4'…'`)
   * may hold a mask. Prefixes that change how the body is read (escape strings, bit and hex
   * strings) may not: the driver's escaping is only right for a plain literal.
   */
  readonly maskAllowedAfterPrefix: (prefix: string) => boolean;
}

/**
 * PostgreSQL with `standard_conforming_strings` on (the default since 9.1; the `postgres`
 * executor also sets it for its session, so the parser and the server always agree).
 */
export const POSTGRES_SQL_DIALECT: SqlDialect = Object.freeze({
  name: 'postgres',
  doubleQuotes: 'identifier',
  backtickIdentifiers: false,
  backslashEscapes: false,
  escapeStringPrefix: true,
  dollarQuotes: true,
  hashComments: false,
  nestedBlockComments: true,
  dashCommentNeedsSpace: false,
  maskAllowedAfterPrefix: () => false,
});

/** MySQL and MariaDB with their default SQL mode (no `ANSI_QUOTES`, no `NO_BACKSLASH_ESCAPES`). */
export const MYSQL_SQL_DIALECT: SqlDialect = mysqlDialectFor('');

/** The flags of a MySQL session whose `@@sql_mode` is `sqlMode` (comma-separated modes). */
export function mysqlDialectFor(sqlMode: string): SqlDialect {
  const modes = new Set(sqlMode.toUpperCase().split(',').map((mode) => mode.trim()));
  return Object.freeze({
    name: 'mysql',
    doubleQuotes: modes.has('ANSI_QUOTES') || modes.has('ANSI') ? 'identifier' : 'string',
    backtickIdentifiers: true,
    backslashEscapes: !modes.has('NO_BACKSLASH_ESCAPES'),
    escapeStringPrefix: false,
    dollarQuotes: false,
    hashComments: true,
    nestedBlockComments: false,
    dashCommentNeedsSpace: true,
    // N'…' and _charset'…' are plain strings; X'…' and B'…' read their body as digits.
    maskAllowedAfterPrefix: (prefix: string) => /^(n|_[a-z0-9]+)$/i.test(prefix),
  } satisfies SqlDialect);
}
