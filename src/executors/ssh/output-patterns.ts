import type { Argument, Segment } from '../../templates/ast.js';
import { renderArgument } from '../../templates/masks.js';
import type { MaskValues } from '../../templates/masks.js';

/**
 * The patterns `expect`, `read`, `expect-regex` and `no-expect` wait for, as regular
 * expressions over the output (escape sequences already removed). Mask values are always
 * literal text, whatever they hold.
 */

/** Any run of characters, newlines included, as short as possible: a match ends at the earliest point. */
const ANY_RUN = '[\\s\\S]*?';

/**
 * `expect "pattern"`: `*` matches any run of characters (none included), everything else is
 * literal. The run is lazy, so the match ends as early as the output allows: `*$` ends at
 * the first `$` not yet consumed, however the output was split into chunks.
 */
export function globPattern(argument: Argument, masks: MaskValues): RegExp {
  const asRegex: Argument = { ...argument, segments: argument.segments.map(globTextToRegex) };
  return new RegExp(renderArgument(asRegex, masks, escapeRegExp));
}

/** `read "text"`: the literal text. */
export function literalPattern(argument: Argument, masks: MaskValues): RegExp {
  return new RegExp(escapeRegExp(renderArgument(argument, masks)));
}

/**
 * `expect-regex`: the template's expression with mask values escaped. `g` and `y` would make
 * the expression keep state between matches; the parser allows only `imsu`, and they are
 * dropped here too in case a caller built the step by hand.
 */
export function regexPattern(argument: Argument, flags: string, masks: MaskValues): RegExp {
  return new RegExp(renderArgument(argument, masks, escapeRegExp), flags.replace(/[gy]/g, ''));
}

/**
 * Escapes the characters that have a meaning in a regular expression (also valid under the
 * `u` flag, which rejects needless escapes). A one-liner: Node 20 has no `RegExp.escape`.
 */
export function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

function globTextToRegex(segment: Segment): Segment {
  if (segment.kind !== 'text') return segment;
  return { kind: 'text', text: segment.text.split('*').map(escapeRegExp).join(ANY_RUN) };
}
