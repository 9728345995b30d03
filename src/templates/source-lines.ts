/** One line of template source with its surrounding whitespace removed. */
export interface SourceLine {
  /** 1-based line number. */
  readonly line: number;
  /** The line without leading/trailing whitespace and without its line ending. */
  readonly text: string;
  /** 1-based column of `text[0]` in the original line (UTF-16 code units). */
  readonly column: number;
}

const LINE_BREAK = /\r\n|\r|\n/;
const LEADING_SPACE = /^\s*/;

/**
 * Splits source into lines, tolerating CRLF, lone CR and a byte-order mark (`\s` covers
 * U+FEFF), and trims each line so indentation and trailing blanks never matter.
 */
export function splitSourceLines(source: string): SourceLine[] {
  return source.split(LINE_BREAK).map((raw, index) => {
    const leading = LEADING_SPACE.exec(raw)?.[0].length ?? 0;
    return Object.freeze({ line: index + 1, text: raw.slice(leading).trimEnd(), column: leading + 1 });
  });
}

/** Splits a trimmed line into its first word and the rest, with the rest's column. */
export function splitFirstWord(source: SourceLine): { word: string; rest: string; restColumn: number } {
  const match = /\s+/.exec(source.text);
  if (!match) return { word: source.text, rest: '', restColumn: source.column + source.text.length };
  const restStart = match.index + match[0].length;
  return {
    word: source.text.slice(0, match.index),
    rest: source.text.slice(restStart),
    restColumn: source.column + restStart,
  };
}
