import type { MaskSegment } from '../ast.js';
import { renderArgument } from '../masks.js';
import type { MaskValues } from '../masks.js';
import type { SqlPiece, SqlProgram, SqlStatement } from './sql-program.js';

/**
 * How a driver quotes a value. Executors pass the driver's own functions (`pg`'s
 * `escapeLiteral`/`escapeIdentifier`, `mysql2`'s `escape`/`escapeId`), so no escaping is
 * hand-written here; this module only decides which of the two applies.
 */
export interface SqlQuoting {
  /** A complete string literal whose value is `value`, quotes included. */
  literal(value: string): string;
  /** A complete quoted identifier whose name is `value`. */
  identifier(value: string): string;
}

/** A statement ready to send, with the text a transcript may show. */
export interface RenderedStatement {
  /** As written in the template, masks as `[#NAME#]`: never a value. */
  readonly display: string;
  /** What is sent to the server: holds mask values, never to be logged. */
  readonly sql: string;
}

/**
 * Renders a statement: template text as written; each literal holding masks becomes one
 * literal whose value is its text with the masks filled, quoted by the driver; same for
 * identifiers. So a value can never end its literal, whatever it holds. Throws
 * `OST_MASK_UNFILLED` naming a mask without a value.
 */
export function renderSqlStatement(statement: SqlStatement, values: MaskValues, quoting: SqlQuoting): string {
  return statement.pieces.map((piece) => renderPiece(piece, values, quoting)).join('');
}

/** Renders every statement, so an unfilled mask stops the run before anything connects. */
export function renderSqlProgram(program: SqlProgram, values: MaskValues, quoting: SqlQuoting): RenderedStatement[] {
  return program.statements.map((statement) => Object.freeze({ display: statement.text, sql: renderSqlStatement(statement, values, quoting) }));
}

/** Every mask of the program, in source order. */
export function sqlMasksOf(program: SqlProgram): MaskSegment[] {
  return program.statements.flatMap((statement) =>
    statement.pieces.flatMap((piece) => (piece.kind === 'sql-verbatim' ? [] : piece.segments.filter((segment): segment is MaskSegment => segment.kind === 'mask'))),
  );
}

function renderPiece(piece: SqlPiece, values: MaskValues, quoting: SqlQuoting): string {
  if (piece.kind === 'sql-verbatim') return piece.text;
  const value = renderArgument({ kind: 'argument', segments: piece.segments, loc: piece.loc }, values);
  return piece.kind === 'sql-literal' ? quoting.literal(value) : quoting.identifier(value);
}
