import type { Argument } from '../../templates/index.js';

type QuoteState = 'none' | 'single' | 'double';

/** Values that need no quoting anywhere: the task variables' safe set (DESIGN.md §5). */
const SAFE_WORD = /^[A-Za-z0-9_.:@/+=,-]+$/;

/**
 * Renders a shell line with its masks filled so that each value stays one literal piece of
 * text, whatever it holds: the value is escaped for the quoting context it stands in
 * (outside quotes, inside '…' or inside "…"), so `$(…)`, quotes or spaces in a value can
 * neither run anything nor split a word. Written by hand because no shell-quoting library
 * tracks the context a value is inserted into; the quote tracking covers the POSIX quoting
 * rules (`\`, '…', "…") and not nested `$(…)` quoting.
 * Every mask must have a value (checked beforehand with `assertMasksFilled`).
 */
export function renderShellLine(line: Argument, values: Readonly<Record<string, string>>): string {
  let state: QuoteState = 'none';
  let output = '';
  for (const segment of line.segments) {
    if (segment.kind === 'text') {
      state = advance(state, segment.text);
      output += segment.text;
    } else {
      output += escapeFor(state, values[segment.name] ?? '');
    }
  }
  return output;
}

function escapeFor(state: QuoteState, value: string): string {
  if (state === 'single') return value.replaceAll("'", `'\\''`);
  if (state === 'double') return value.replace(/[\\"$`]/g, (char) => `\\${char}`);
  return SAFE_WORD.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

/** The quoting state after `text`, starting from `state`. */
function advance(state: QuoteState, text: string): QuoteState {
  let current = state;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (current === 'single') {
      if (char === "'") current = 'none';
    } else if (char === '\\') {
      index += 1;
    } else if (current === 'double') {
      if (char === '"') current = 'none';
    } else if (char === "'") {
      current = 'single';
    } else if (char === '"') {
      current = 'double';
    }
  }
  return current;
}
