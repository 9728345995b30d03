import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OstiaryError } from '../../../src/domain/index.js';
import {
  MYSQL_SQL_DIALECT,
  POSTGRES_SQL_DIALECT,
  mysqlDialectFor,
  parseSqlSource,
  parseSqlTemplate,
  parseSqlTemplateOrThrow,
} from '../../../src/templates/sql/index.js';
import type { SqlDialect, SqlPiece, SqlProgram } from '../../../src/templates/sql/index.js';

function program(source: string, dialect: SqlDialect): SqlProgram {
  const result = parseSqlTemplate(source, dialect);
  assert.ok(result.ok, JSON.stringify(result.diagnostics));
  return result.value;
}

function texts(source: string, dialect: SqlDialect): string[] {
  return program(source, dialect).statements.map((statement) => statement.text);
}

function rules(source: string, dialect: SqlDialect): string[] {
  return parseSqlSource(source, dialect).diagnostics.map((entry) => `${entry.severity}:${entry.rule}@${entry.loc.line}:${entry.loc.column}`);
}

/** The pieces holding masks, as `kind(value with masks as [#NAME#])`. */
function maskPieces(source: string, dialect: SqlDialect): string[] {
  const describe = (piece: SqlPiece): string[] => {
    if (piece.kind === 'sql-verbatim') return [];
    const value = piece.segments.map((segment) => (segment.kind === 'text' ? segment.text : `[#${segment.name}#]`)).join('');
    return [`${piece.kind === 'sql-literal' ? 'literal' : 'identifier'}(${value})`];
  };
  return program(source, dialect).statements.flatMap((statement) => statement.pieces.flatMap(describe));
}

describe('SQL template parser: statements', () => {
  it('splits on ; and on line breaks, skipping blank statements', () => {
    assert.deepEqual(texts('SELECT 1; SELECT 2;;\n\n  SELECT 3  \r\nSELECT 4;', POSTGRES_SQL_DIALECT), ['SELECT 1', 'SELECT 2', 'SELECT 3', 'SELECT 4']);
  });

  it('keeps ; and line breaks inside quotes', () => {
    const source = "INSERT INTO t VALUES ('a;b\nc', \"x;y\")\nSELECT 2";
    assert.deepEqual(texts(source, POSTGRES_SQL_DIALECT), ["INSERT INTO t VALUES ('a;b\nc', \"x;y\")", 'SELECT 2']);
    assert.deepEqual(texts("SELECT 'it''s; fine', `a;b`; SELECT \"q;\\\"\"", MYSQL_SQL_DIALECT), ["SELECT 'it''s; fine', `a;b`", 'SELECT "q;\\""']);
  });

  it('keeps ; and line breaks inside PostgreSQL dollar quotes, tagged or not', () => {
    const source = 'CREATE FUNCTION f() RETURNS int AS $body$\nBEGIN\n  RETURN 1; -- $$ inside\nEND;\n$body$ LANGUAGE plpgsql\nDO $$ BEGIN PERFORM 1; END $$';
    assert.deepEqual(texts(source, POSTGRES_SQL_DIALECT), [
      'CREATE FUNCTION f() RETURNS int AS $body$\nBEGIN\n  RETURN 1; -- $$ inside\nEND;\n$body$ LANGUAGE plpgsql',
      'DO $$ BEGIN PERFORM 1; END $$',
    ]);
  });

  it('does not take $1 parameters or a$b identifiers for dollar quotes', () => {
    assert.deepEqual(texts('SELECT a$b$c, $1; SELECT 2', POSTGRES_SQL_DIALECT), ['SELECT a$b$c, $1', 'SELECT 2']);
  });

  it('continues a statement across lines inside parentheses', () => {
    assert.deepEqual(texts('CREATE TABLE t (\n  a int, -- first\n  b int\n)\nSELECT 1', POSTGRES_SQL_DIALECT), ['CREATE TABLE t (\n  a int, \n  b int\n)', 'SELECT 1']);
  });

  it('drops -- comments and # comment lines, keeps block comments as written', () => {
    const source = '# heading\n  # indented heading\nSELECT 1 -- trailing; not a split\n/* block; \n still */ SELECT 2';
    assert.deepEqual(texts(source, POSTGRES_SQL_DIALECT), ['SELECT 1', '/* block; \n still */ SELECT 2']);
  });

  it('nests block comments on PostgreSQL but not on MySQL', () => {
    assert.deepEqual(texts('/* a /* b */ c */ SELECT 1', POSTGRES_SQL_DIALECT), ['/* a /* b */ c */ SELECT 1']);
    assert.deepEqual(texts('/* a /* b */ SELECT 1', MYSQL_SQL_DIALECT), ['/* a /* b */ SELECT 1']);
  });

  it('reads # as a comment anywhere on MySQL and as an operator mid-line on PostgreSQL', () => {
    assert.deepEqual(texts('SELECT 1 # comment; SELECT 2', MYSQL_SQL_DIALECT), ['SELECT 1']);
    assert.deepEqual(texts('SELECT 5 # 3', POSTGRES_SQL_DIALECT), ['SELECT 5 # 3']);
  });

  it("reads MySQL's -- as a comment only before a blank", () => {
    assert.deepEqual(texts('SELECT 1--1\nSELECT 2 -- c', MYSQL_SQL_DIALECT), ['SELECT 1--1', 'SELECT 2']);
  });

  it('collects #@var declarations and reports where each statement starts', () => {
    const parsed = program('#@var TABLE "^[a-z_]+$" "Table"\n\n  SELECT 1;  SELECT 2', POSTGRES_SQL_DIALECT);
    assert.deepEqual(parsed.variables.map((variable) => [variable.name, variable.pattern, variable.label]), [['TABLE', '^[a-z_]+$', 'Table']]);
    assert.deepEqual(parsed.statements.map((statement) => statement.loc), [{ line: 3, column: 3 }, { line: 3, column: 14 }]);
  });

  it('warns about an empty template', () => {
    assert.deepEqual(rules('# only a comment\n', POSTGRES_SQL_DIALECT), ['warning:no-statements@1:1']);
  });

  it('reports unterminated strings, identifiers, dollar quotes, comments and parentheses', () => {
    assert.deepEqual(rules("SELECT 'abc", POSTGRES_SQL_DIALECT), ['error:unterminated-string@1:8']);
    assert.deepEqual(rules('SELECT "abc', POSTGRES_SQL_DIALECT), ['error:unterminated-identifier@1:8']);
    assert.deepEqual(rules('SELECT `abc', MYSQL_SQL_DIALECT), ['error:unterminated-identifier@1:8']);
    assert.deepEqual(rules('SELECT $x$ abc', POSTGRES_SQL_DIALECT), ['error:unterminated-string@1:8']);
    assert.deepEqual(rules('SELECT /* abc', POSTGRES_SQL_DIALECT), ['error:unterminated-comment@1:8']);
    assert.deepEqual(rules('SELECT (1', POSTGRES_SQL_DIALECT), ['error:unclosed-parenthesis@1:1']);
  });

  it("honours MySQL's backslash escapes unless NO_BACKSLASH_ESCAPES", () => {
    assert.deepEqual(texts("SELECT 'a\\';b'; SELECT 2", MYSQL_SQL_DIALECT), ["SELECT 'a\\';b'", 'SELECT 2']);
    assert.deepEqual(texts("SELECT 'a\\'; SELECT 2", mysqlDialectFor('NO_BACKSLASH_ESCAPES')), ["SELECT 'a\\'", 'SELECT 2']);
  });

  it("reads PostgreSQL's E'…' strings with backslash escapes", () => {
    assert.deepEqual(texts("SELECT E'a\\';b'; SELECT 'c\\'; SELECT 3", POSTGRES_SQL_DIALECT), ["SELECT E'a\\';b'", "SELECT 'c\\'", 'SELECT 3']);
  });
});

describe('SQL template parser: mask contexts', () => {
  it('a mask inside a string literal is a literal whose text is the decoded value', () => {
    assert.deepEqual(maskPieces("ALTER ROLE x PASSWORD '[#NEW_PASSWORD#]'", POSTGRES_SQL_DIALECT), ['literal([#NEW_PASSWORD#])']);
    assert.deepEqual(maskPieces("SELECT 'it''s [#USERNAME#] \\n'", POSTGRES_SQL_DIALECT), ["literal(it's [#USERNAME#] \\n)"]);
    assert.deepEqual(maskPieces("SELECT 'it\\'s\\n[#USERNAME#]\\%'", MYSQL_SQL_DIALECT), ["literal(it's\n[#USERNAME#]\\%)"]);
    assert.deepEqual(maskPieces('SELECT "a""b[#X#]"', MYSQL_SQL_DIALECT), ['literal(a"b[#X#])']);
    assert.deepEqual(maskPieces("SELECT N'[#X#]', _utf8mb4'[#Y#]'", MYSQL_SQL_DIALECT), ['literal([#X#])', 'literal([#Y#])']);
  });

  it('a mask standing as or in a word is an identifier', () => {
    assert.deepEqual(maskPieces('ALTER ROLE [#USERNAME#] LOGIN', POSTGRES_SQL_DIALECT), ['identifier([#USERNAME#])']);
    assert.deepEqual(maskPieces('GRANT x TO app_[#NAME#]_rw', POSTGRES_SQL_DIALECT), ['identifier(app_[#NAME#]_rw)']);
    assert.deepEqual(maskPieces("ALTER USER [#USERNAME#]@'%'", MYSQL_SQL_DIALECT), ['identifier([#USERNAME#])']);
  });

  it('a mask inside a quoted identifier is an identifier', () => {
    assert.deepEqual(maskPieces('SELECT * FROM "s"."t_[#NAME#]""x"', POSTGRES_SQL_DIALECT), ['identifier(t_[#NAME#]"x)']);
    assert.deepEqual(maskPieces('SELECT `a``[#NAME#]`', MYSQL_SQL_DIALECT), ['identifier(a`[#NAME#])']);
    assert.deepEqual(maskPieces('SELECT "[#NAME#]"', mysqlDialectFor('ANSI_QUOTES')), ['identifier([#NAME#])']);
  });

  it('keeps the text shown in transcripts exactly as written, masks by name', () => {
    const parsed = program("ALTER ROLE [#USERNAME#] WITH PASSWORD '[#NEW_PASSWORD#]' -- rotate", POSTGRES_SQL_DIALECT);
    assert.equal(parsed.statements[0]?.text, "ALTER ROLE [#USERNAME#] WITH PASSWORD '[#NEW_PASSWORD#]'");
  });

  it('locates masks on their own line and column, also inside multi-line literals', () => {
    const parsed = program("SELECT 1\nSELECT 'a\nb [#X#]'", POSTGRES_SQL_DIALECT);
    const piece = parsed.statements[1]?.pieces.find((entry) => entry.kind === 'sql-literal');
    assert.ok(piece && piece.kind === 'sql-literal');
    assert.deepEqual(piece.segments.find((segment) => segment.kind === 'mask'), { kind: 'mask', name: 'X', loc: { line: 3, column: 3 } });
  });

  it('refuses a mask in a number, a dollar quote, or a literal with a prefix that changes how it reads', () => {
    assert.deepEqual(rules('SELECT 1[#X#]', POSTGRES_SQL_DIALECT), ['error:mask-in-number@1:9']);
    assert.deepEqual(rules('DO $$ BEGIN RAISE NOTICE \'[#X#]\'; END $$', POSTGRES_SQL_DIALECT), ['error:mask-in-dollar-quote@1:27']);
    assert.deepEqual(rules("SELECT E'[#X#]'", POSTGRES_SQL_DIALECT), ['error:mask-in-prefixed-literal@1:10']);
    assert.deepEqual(rules("SELECT U&'[#X#]'", POSTGRES_SQL_DIALECT), ['error:mask-in-prefixed-literal@1:11']);
    assert.deepEqual(rules('SELECT U&"[#X#]"', POSTGRES_SQL_DIALECT), ['error:mask-in-prefixed-literal@1:11']);
    assert.deepEqual(rules("SELECT X'[#X#]'", MYSQL_SQL_DIALECT), ['error:mask-in-prefixed-literal@1:10']);
  });

  it('refuses a secret mask anywhere but inside a string literal', () => {
    assert.deepEqual(rules('ALTER ROLE x PASSWORD [#NEW_PASSWORD#]', POSTGRES_SQL_DIALECT), ['error:secret-mask-as-identifier@1:23']);
    assert.deepEqual(rules('SELECT "[#CURRENT_PASSWORD#]"', POSTGRES_SQL_DIALECT), ['error:secret-mask-as-identifier@1:9']);
    assert.deepEqual(rules('SELECT `[#AUTH_PASSWORD#]`', MYSQL_SQL_DIALECT), ['error:secret-mask-as-identifier@1:9']);
  });

  it('warns that a mask in a comment is not filled, and about lower-case masks', () => {
    assert.deepEqual(rules('SELECT 1 -- [#X#]\n/* [#Y#] */ SELECT 2\n# [#Z#]', POSTGRES_SQL_DIALECT), [
      'warning:mask-in-comment@1:13',
      'warning:mask-in-comment@2:4',
      'warning:mask-in-comment@3:3',
    ]);
    assert.deepEqual(rules("SELECT '[#username#]'", POSTGRES_SQL_DIALECT), ['warning:mask-case@1:9']);
    assert.deepEqual(maskPieces("SELECT '[#username#]'", POSTGRES_SQL_DIALECT), ['literal([#USERNAME#])']);
  });

  it('leaves text that only looks like a mask alone', () => {
    assert.deepEqual(maskPieces("SELECT '[# not a mask #]', arr[1]", POSTGRES_SQL_DIALECT), []);
  });

  it('parseSqlTemplateOrThrow gives OST_TEMPLATE_PARSE naming the line and column', () => {
    assert.throws(
      () => parseSqlTemplateOrThrow("SELECT 1\nSELECT 'x", POSTGRES_SQL_DIALECT),
      (error: unknown) => error instanceof OstiaryError && error.code === 'OST_TEMPLATE_PARSE' && /postgres template: line 2, column 8/.test(error.message),
    );
  });
});
