import { OstiaryError } from '../../domain/index.js';
import type { Diagnostic, Segment, SourceLocation, VariableDeclaration } from '../ast.js';
import { collectComment } from '../comment-line.js';
import { isSecretMask } from '../masks.js';
import { diagnostic, toParseResult } from '../parse-result.js';
import type { ParseResult } from '../parse-result.js';
import type { SqlDialect } from './sql-dialect.js';
import {
  SourceIndex,
  blockCommentEnd,
  dollarQuotedEnd,
  dollarTagAt,
  firstMaskIn,
  isWordChar,
  lineCommentEnd,
  maskAt,
  readQuoted,
  readWord,
} from './sql-lexemes.js';
import type { QuotedRead } from './sql-lexemes.js';
import type { SqlProgram, SqlStatement } from './sql-program.js';
import { StatementDraft } from './statement-draft.js';

/** The program with every diagnostic, errors included; what the linter works on. */
export interface SqlParse {
  readonly program: SqlProgram;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Parses a SQL-dialect template (DESIGN §5). Statements end at `;` or at a line break
 * outside quotes, comments and parentheses (so a parenthesised list may span lines, and a
 * `$$` function body may too). Lines starting with `#` are comments (`#@var` declares a
 * variable); `--` comments are dropped; block comments are sent as written.
 *
 * Every mask gets its context: inside a string literal (escaped as a literal), as or inside
 * an identifier (quoted as one), anywhere else an error. Never throws.
 */
export function parseSqlTemplate(source: string, dialect: SqlDialect): ParseResult<SqlProgram> {
  const { program, diagnostics } = parseSqlSource(source, dialect);
  return toParseResult(program, diagnostics);
}

/** Parses as far as possible, keeping the valid statements even when others have errors. */
export function parseSqlSource(source: string, dialect: SqlDialect): SqlParse {
  const reader = new SqlReader(source, dialect);
  reader.read();
  const program: SqlProgram = Object.freeze({
    kind: 'sql-program',
    dialect: dialect.name,
    statements: Object.freeze(reader.statements),
    variables: Object.freeze(reader.variables),
  });
  return { program, diagnostics: reader.diagnostics };
}

/** What the reader does at one position; returns the index to continue from. */
type Step = (start: number) => number;

class SqlReader {
  readonly statements: SqlStatement[] = [];
  readonly variables: VariableDeclaration[] = [];
  readonly diagnostics: Diagnostic[] = [];
  readonly #index: SourceIndex;
  #draft = new StatementDraft();

  constructor(
    readonly source: string,
    readonly dialect: SqlDialect,
  ) {
    this.#index = new SourceIndex(source);
  }

  read(): void {
    let cursor = 0;
    while (cursor < this.source.length) cursor = this.#stepAt(cursor)(cursor);
    this.#endStatement();
    if (this.statements.length === 0 && !this.diagnostics.some((entry) => entry.severity === 'error')) {
      this.diagnostics.push(diagnostic('warning', 'no-statements', 'the template holds no statement', this.#index.locate(0)));
    }
  }

  #stepAt(cursor: number): Step {
    const { source, dialect } = this;
    const char = source[cursor] ?? '';
    if (char === '\n' || char === '\r') return this.#lineBreak;
    if (char === ';') return this.#semicolon;
    if (char === '#' && atLineStart(source, cursor)) return this.#commentLine;
    if (char === '#' && dialect.hashComments) return this.#lineComment;
    if (source.startsWith('--', cursor) && isDashComment(source, cursor, dialect)) return this.#lineComment;
    if (source.startsWith('/*', cursor)) return this.#blockComment;
    if (char === "'") return this.#stringLiteral;
    if (char === '"') return dialect.doubleQuotes === 'string' ? this.#stringLiteral : this.#quotedIdentifier;
    if (char === '`' && dialect.backtickIdentifiers) return this.#quotedIdentifier;
    if (char === '$' && dialect.dollarQuotes && dollarTagAt(source, cursor)) return this.#dollarQuoted;
    if (maskAt(source, cursor) || isWordChar(char, !dialect.dollarQuotes)) return this.#word;
    return this.#punctuation;
  }

  readonly #lineBreak: Step = (start) => {
    const end = this.source.startsWith('\r\n', start) ? start + 2 : start + 1;
    if (this.#draft.depth > 0) this.#verbatim(start, end);
    else this.#endStatement();
    return end;
  };

  readonly #semicolon: Step = (start) => {
    this.#endStatement();
    return start + 1;
  };

  readonly #commentLine: Step = (start) => {
    const end = lineCommentEnd(this.source, start);
    const loc = this.#index.locate(start);
    collectComment({ line: loc.line, column: loc.column, text: this.source.slice(start, end).trimEnd() }, this.variables, this.diagnostics);
    this.#warnMasksInComment(start, end);
    return end;
  };

  readonly #lineComment: Step = (start) => {
    const end = lineCommentEnd(this.source, start);
    this.#warnMasksInComment(start, end);
    return end;
  };

  readonly #blockComment: Step = (start) => {
    let end = blockCommentEnd(this.source, start, this.dialect.nestedBlockComments);
    if (end === -1) {
      this.#error('unterminated-comment', 'this comment is never closed with */', start);
      end = this.source.length;
    }
    this.#warnMasksInComment(start, end);
    this.#verbatim(start, end);
    return end;
  };

  readonly #dollarQuoted: Step = (start) => {
    const tag = dollarTagAt(this.source, start) ?? '$$';
    let end = dollarQuotedEnd(this.source, start, tag);
    if (end === -1) {
      this.#error('unterminated-string', `this ${tag} string is never closed`, start);
      end = this.source.length;
    }
    const mask = firstMaskIn(this.source, start, end);
    if (mask !== -1) {
      this.#error('mask-in-dollar-quote', `a mask cannot be escaped inside a ${tag} string; use a '…' literal, where it is escaped for you`, mask);
    }
    this.#verbatim(start, end);
    return end;
  };

  readonly #stringLiteral: Step = (start) => {
    const prefix = literalPrefix(this.source, start);
    const backslash = this.dialect.backslashEscapes || (this.dialect.escapeStringPrefix && /^e$/i.test(prefix));
    const read = readQuoted(this.#index, start, backslash);
    if (!read.closed) this.#error('unterminated-string', 'this string literal is never closed', start);
    if (read.masks.length > 0 && prefix !== '' && !this.dialect.maskAllowedAfterPrefix(prefix)) {
      this.#error('mask-in-prefixed-literal', `a mask cannot stand in a ${prefix}'…' literal; use a plain '…' literal`, read.masks[0]?.index ?? start);
    }
    return this.#quotedPiece(start, read, 'sql-literal');
  };

  readonly #quotedIdentifier: Step = (start) => {
    const read = readQuoted(this.#index, start, false);
    if (!read.closed) this.#error('unterminated-identifier', 'this quoted identifier is never closed', start);
    if (read.masks.length > 0 && /^u&$/i.test(literalPrefix(this.source, start))) {
      this.#error('mask-in-prefixed-literal', 'a mask cannot stand in a U&"…" identifier', read.masks[0]?.index ?? start);
    }
    this.#rejectSecretIdentifier(read.masks);
    return this.#quotedPiece(start, read, 'sql-identifier');
  };

  readonly #word: Step = (start) => {
    const read = readWord(this.#index, start);
    const first = read.masks[0];
    if (!first) {
      this.#verbatim(start, read.end);
      return read.end;
    }
    this.#checkMaskCase(read.masks);
    if (/^[0-9]/.test(this.source[start] ?? '')) {
      this.#error('mask-in-number', 'a mask cannot stand in a number; put it in a \'…\' literal or use it as a whole identifier', first.index);
    }
    this.#rejectSecretIdentifier(read.masks);
    this.#piece('sql-identifier', read.segments, start, read.end);
    return read.end;
  };

  readonly #punctuation: Step = (start) => {
    const char = this.source[start];
    if (char === '(') this.#draft.depth += 1;
    if (char === ')') this.#draft.depth = Math.max(0, this.#draft.depth - 1);
    this.#verbatim(start, start + 1);
    return start + 1;
  };

  #quotedPiece(start: number, read: QuotedRead, kind: 'sql-literal' | 'sql-identifier'): number {
    if (read.masks.length === 0) this.#verbatim(start, read.end);
    else {
      this.#checkMaskCase(read.masks);
      this.#piece(kind, read.segments, start, read.end);
    }
    return read.end;
  }

  #piece(kind: 'sql-literal' | 'sql-identifier', segments: readonly Segment[], start: number, end: number): void {
    const loc = this.#index.locate(start);
    this.#draft.appendPiece(Object.freeze({ kind, segments, loc }), this.source.slice(start, end), loc);
  }

  #verbatim(start: number, end: number): void {
    this.#draft.appendVerbatim(this.source.slice(start, end), this.#index.locate(start));
  }

  #endStatement(): void {
    const draft = this.#draft;
    if (draft.depth > 0 && draft.loc) this.#errorAt('unclosed-parenthesis', 'this statement opens a parenthesis it never closes', draft.loc);
    const statement = draft.finish();
    if (statement) this.statements.push(statement);
    this.#draft = new StatementDraft();
  }

  #rejectSecretIdentifier(masks: QuotedRead['masks']): void {
    for (const mask of masks.filter((entry) => isSecretMask(entry.name))) {
      this.#error('secret-mask-as-identifier', `[#${mask.name}#] is a secret: put it inside a '…' string literal, never as an identifier`, mask.index);
    }
  }

  #checkMaskCase(masks: QuotedRead['masks']): void {
    for (const mask of masks.filter((entry) => entry.written !== entry.name)) {
      this.diagnostics.push(diagnostic('warning', 'mask-case', `masks are written in upper case: [#${mask.name}#]`, this.#index.locate(mask.index)));
    }
  }

  #warnMasksInComment(start: number, end: number): void {
    const mask = firstMaskIn(this.source, start, end);
    if (mask === -1) return;
    this.diagnostics.push(diagnostic('warning', 'mask-in-comment', 'a mask inside a comment is not filled', this.#index.locate(mask)));
  }

  #error(rule: string, message: string, index: number): void {
    this.#errorAt(rule, message, this.#index.locate(index));
  }

  #errorAt(rule: string, message: string, loc: SourceLocation): void {
    this.diagnostics.push(diagnostic('error', rule, message, loc));
  }
}

/** Only blanks stand between the previous line break and `index`. */
function atLineStart(source: string, index: number): boolean {
  let cursor = index - 1;
  while (cursor >= 0 && (source[cursor] === ' ' || source[cursor] === '\t')) cursor -= 1;
  return cursor < 0 || source[cursor] === '\n' || source[cursor] === '\r';
}

/** MySQL reads `--` as a comment only before a blank or the end of the line (`1--1` is arithmetic). */
function isDashComment(source: string, index: number, dialect: SqlDialect): boolean {
  if (!dialect.dashCommentNeedsSpace) return true;
  const next = source[index + 2];
  return next === undefined || /\s/.test(next);
}

/** The word glued to the front of a quote (`E`, `N`, `U&`, `_utf8mb4`), or ''. */
function literalPrefix(source: string, quoteIndex: number): string {
  const before = source.slice(Math.max(0, quoteIndex - 64), quoteIndex);
  return /(?:[Uu]&|[A-Za-z0-9_$\u0080-\uffff]+)$/.exec(before)?.[0] ?? '';
}

/**
 * Parses or throws `OST_TEMPLATE_PARSE` naming the first error's line and column;
 * `details.diagnostics` holds them all. For executors handed a stored version.
 */
export function parseSqlTemplateOrThrow(source: string, dialect: SqlDialect): SqlProgram {
  const result = parseSqlTemplate(source, dialect);
  if (result.ok) return result.value;
  const errors = result.diagnostics.filter((entry) => entry.severity === 'error');
  const first = errors[0];
  const where = first ? `line ${first.loc.line}, column ${first.loc.column}: ${first.message}` : 'unknown error';
  throw new OstiaryError('OST_TEMPLATE_PARSE', `${dialect.name} template: ${where}`, {
    details: { field: 'template.source', diagnostics: errors },
  });
}
