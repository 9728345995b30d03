import type { Argument } from '../ast.js';
import { renderArgument } from '../masks.js';
import type { MaskValues } from '../masks.js';

/**
 * Whether `text` contains a match for an `expect` pattern: `*` in the template's text
 * matches any run of characters (line breaks included), everything else is literal — mask
 * values too, so a `*` in a value matches only a `*`. The same rule as the SSH dialect's
 * `expect`.
 *
 * Hand-written as a left-to-right search for the literal pieces between the stars rather
 * than a regular expression: the text is the target's answer, and `.*` patterns backtrack
 * badly on a large body that almost matches. Finding each piece at its leftmost place after
 * the previous one is enough to decide that a match exists.
 */
export function wildcardMatches(pattern: Argument, values: MaskValues, text: string): boolean {
  let from = 0;
  for (const piece of literalPieces(pattern, values)) {
    const found = text.indexOf(piece, from);
    if (found === -1) return false;
    from = found + piece.length;
  }
  return true;
}

/** The pattern split at the template's own stars, masks filled. */
function literalPieces(pattern: Argument, values: MaskValues): string[] {
  const pieces = [''];
  for (const segment of pattern.segments) {
    if (segment.kind === 'mask') {
      pieces[pieces.length - 1] += renderArgument({ kind: 'argument', segments: [segment], loc: segment.loc }, values);
      continue;
    }
    const [first = '', ...rest] = segment.text.split('*');
    pieces[pieces.length - 1] += first;
    pieces.push(...rest);
  }
  return pieces.filter((piece) => piece.length > 0);
}
