import type { SourceLocation } from '../ast.js';
import type { SqlPiece, SqlStatement } from './sql-program.js';

/** A statement being read: its pieces, the text a transcript shows, its parenthesis depth. */
export class StatementDraft {
  readonly #pieces: SqlPiece[] = [];
  #verbatim = '';
  #text = '';
  #loc: SourceLocation | null = null;
  /** Open parentheses: a line break inside them does not end the statement. */
  depth = 0;

  get started(): boolean {
    return this.#loc !== null;
  }

  get loc(): SourceLocation | null {
    return this.#loc;
  }

  /** Appends template text sent as written; leading blanks of a statement are dropped. */
  appendVerbatim(raw: string, loc: SourceLocation): void {
    if (!this.started && raw.trim() === '') return;
    this.#loc ??= loc;
    this.#verbatim += raw;
    this.#text += raw;
  }

  /** Appends a literal or identifier that holds masks; `raw` is how it was written. */
  appendPiece(piece: SqlPiece, raw: string, loc: SourceLocation): void {
    this.#loc ??= loc;
    this.#flushVerbatim();
    this.#pieces.push(piece);
    this.#text += raw;
  }

  /** The finished statement, or null when it holds nothing but blanks. */
  finish(): SqlStatement | null {
    if (!this.#loc) return null;
    this.#verbatim = this.#verbatim.trimEnd();
    this.#flushVerbatim();
    return Object.freeze({ kind: 'sql-statement', text: this.#text.trim(), pieces: Object.freeze([...this.#pieces]), loc: this.#loc });
  }

  #flushVerbatim(): void {
    if (this.#verbatim) this.#pieces.push(Object.freeze({ kind: 'sql-verbatim', text: this.#verbatim }));
    this.#verbatim = '';
  }
}
