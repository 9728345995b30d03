import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { OstiaryError } from '../../../src/domain/index.js';
import { mysqlQuoting } from '../../../src/executors/mysql/mysql-executor.js';
import { POSTGRES_QUOTING } from '../../../src/executors/postgres/postgres-executor.js';
import {
  MYSQL_SQL_DIALECT,
  POSTGRES_SQL_DIALECT,
  mysqlDialectFor,
  parseSqlSource,
  parseSqlTemplateOrThrow,
  renderSqlProgram,
  sqlMasksOf,
} from '../../../src/templates/sql/index.js';
import type { SqlDialect, SqlQuoting } from '../../../src/templates/sql/index.js';
import { anyCharacter } from '../../support/text-arbitraries.js';

const MYSQL_MODES = ['', 'NO_BACKSLASH_ESCAPES', 'ANSI_QUOTES', 'ANSI_QUOTES,NO_BACKSLASH_ESCAPES'];

function render(source: string, dialect: SqlDialect, quoting: SqlQuoting, values: Record<string, string>): string[] {
  return renderSqlProgram(parseSqlTemplateOrThrow(source, dialect), values, quoting).map((statement) => statement.sql);
}

/** The value of the single literal or identifier in rendered SQL, as the parser reads it back. */
function valueReadBack(sql: string, dialect: SqlDialect): string {
  // Putting a probe mask right after the rendered literal, inside the same literal, lets the
  // parser hand back the literal's decoded value: `'…[#PROBE#]'`.
  const probe = `${sql.slice(0, -1)}[#PROBE#]${sql.slice(-1)}`;
  const statements = parseSqlSource(probe, dialect).program.statements;
  assert.equal(statements.length, 1, `one statement expected in ${JSON.stringify(probe)}`);
  const literal = statements[0]?.pieces.find((piece) => piece.kind !== 'sql-verbatim');
  assert.ok(literal);
  return literal.segments.map((segment) => (segment.kind === 'text' ? segment.text : '')).join('');
}

describe('SQL statement rendering', () => {
  it('quotes identifiers and literals with the driver, whatever the values hold', () => {
    const source = "ALTER ROLE [#USERNAME#] WITH PASSWORD '[#NEW_PASSWORD#]'";
    assert.deepEqual(render(source, POSTGRES_SQL_DIALECT, POSTGRES_QUOTING, { USERNAME: 'Al"ice', NEW_PASSWORD: "x'; DROP TABLE t; --" }), [
      `ALTER ROLE "Al""ice" WITH PASSWORD 'x''; DROP TABLE t; --'`,
    ]);
    assert.deepEqual(render(source, POSTGRES_SQL_DIALECT, POSTGRES_QUOTING, { USERNAME: 'a', NEW_PASSWORD: 'back\\slash' }), [
      `ALTER ROLE "a" WITH PASSWORD  E'back\\\\slash'`,
    ]);
  });

  it('re-quotes the whole literal, template text included', () => {
    assert.deepEqual(render("SELECT 'it''s [#X#]!'", POSTGRES_SQL_DIALECT, POSTGRES_QUOTING, { X: "o'k" }), ["SELECT 'it''s o''k!'"]);
    assert.deepEqual(render("SELECT 'it\\'s\\t[#X#]'", MYSQL_SQL_DIALECT, mysqlQuoting(MYSQL_SQL_DIALECT), { X: 'a\\b' }), ["SELECT 'it\\'s\\ta\\\\b'"]);
  });

  it('never splits a MySQL identifier at a dot in a value', () => {
    assert.deepEqual(render("ALTER USER [#USERNAME#]@'%'", MYSQL_SQL_DIALECT, mysqlQuoting(MYSQL_SQL_DIALECT), { USERNAME: 'a.b`c' }), ["ALTER USER `a.b``c`@'%'"]);
  });

  it('escapes MySQL literals for the session mode', () => {
    const noBackslash = mysqlDialectFor('NO_BACKSLASH_ESCAPES');
    assert.deepEqual(render("SELECT '[#X#]'", noBackslash, mysqlQuoting(noBackslash), { X: "a\\'b" }), ["SELECT 'a\\''b'"]);
    assert.deepEqual(render("SELECT '[#X#]'", POSTGRES_SQL_DIALECT, POSTGRES_QUOTING, { X: '[#Y#]' }), ["SELECT '[#Y#]'"]);
    assert.deepEqual(render("SELECT '[#X#]'", MYSQL_SQL_DIALECT, mysqlQuoting(MYSQL_SQL_DIALECT), { X: "a\\'b" }), ["SELECT 'a\\\\\\'b'"]);
  });

  it('throws OST_MASK_UNFILLED naming the mask and where it stands', () => {
    assert.throws(
      () => render("SELECT 1\nSELECT '[#NEW_PASSWORD#]'", POSTGRES_SQL_DIALECT, POSTGRES_QUOTING, {}),
      (error: unknown) => error instanceof OstiaryError && error.code === 'OST_MASK_UNFILLED' && /\[#NEW_PASSWORD#\] on line 2, column 9/.test(error.message),
    );
  });

  it('shows statements as written, with masks by name, and lists the masks', () => {
    const parsed = parseSqlTemplateOrThrow("ALTER ROLE [#USERNAME#] PASSWORD '[#NEW_PASSWORD#]'", POSTGRES_SQL_DIALECT);
    const [rendered] = renderSqlProgram(parsed, { USERNAME: 'bob', NEW_PASSWORD: 'hunter2-secret' }, POSTGRES_QUOTING);
    assert.equal(rendered?.display, "ALTER ROLE [#USERNAME#] PASSWORD '[#NEW_PASSWORD#]'");
    assert.doesNotMatch(rendered?.display ?? '', /hunter2/);
    assert.deepEqual(sqlMasksOf(parsed).map((mask) => mask.name), ['USERNAME', 'NEW_PASSWORD']);
  });

  describe('property: a value never escapes its literal or identifier', () => {
    const special = fc.constantFrom("'", '"', '`', '\\', ';', '$', '$$', ' ', '\n', '\r', '\t', '\0', '\x1a', '--', '/*', '*/', '#', 'E', '%', '_');
    const anyChar = anyCharacter({ nul: true });
    // No `[#` in values here: the read-back parses rendered SQL as a template, which would see a
    // mask in it (the renderer itself never rescans values; see the example above).
    const value = fc.array(fc.oneof(special, anyChar), { maxLength: 30 }).map((parts) => parts.join('')).filter((text) => !text.includes('[#'));

    it('PostgreSQL literals and identifiers read back as exactly the value, in one statement', () => {
      fc.assert(
        fc.property(value, (text) => {
          const [literal] = render("SELECT '[#V#]'", POSTGRES_SQL_DIALECT, POSTGRES_QUOTING, { V: text });
          // escapeLiteral switches to E'…' when the value holds a backslash.
          assert.equal(valueReadBack(literal ?? '', POSTGRES_SQL_DIALECT), text);
          const [identifier] = render('SELECT 1 AS [#V#]', POSTGRES_SQL_DIALECT, POSTGRES_QUOTING, { V: text });
          assert.equal(valueReadBack(identifier ?? '', POSTGRES_SQL_DIALECT), text);
        }),
        { numRuns: 300 },
      );
    });

    for (const mode of MYSQL_MODES) {
      it(`MySQL literals and identifiers read back as exactly the value, in one statement (sql_mode '${mode}')`, () => {
        const dialect = mysqlDialectFor(mode);
        fc.assert(
          fc.property(value, (text) => {
            const [literal] = render("SELECT '[#V#]'", dialect, mysqlQuoting(dialect), { V: text });
            assert.equal(valueReadBack(literal ?? '', dialect), text);
            const [identifier] = render('SELECT 1 AS [#V#]', dialect, mysqlQuoting(dialect), { V: text });
            assert.equal(valueReadBack(identifier ?? '', dialect), text);
          }),
          { numRuns: 300 },
        );
      });
    }
  });
});
