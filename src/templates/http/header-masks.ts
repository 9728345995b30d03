import { validationError } from '../../domain/index.js';
import type { Argument } from '../ast.js';
import { renderArgument } from '../masks.js';
import type { MaskValues } from '../masks.js';

/** What a header field value may hold (RFC 9110 §5.5, as Node's `http` checks it): no CR, LF or other controls. */
export const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** A header name: an RFC 9110 token. */
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Renders a header value, refusing a mask value that could end the header or start another
 * (CR, LF) or that a header cannot carry: `OST_VALIDATION` names the mask, never its value.
 */
export function renderHeaderValue(value: Argument, values: MaskValues): string {
  const names = value.segments.flatMap((segment) => (segment.kind === 'mask' ? [segment.name] : []));
  let position = 0;
  return renderArgument(value, values, (text) => {
    const name = names[position] ?? '';
    position += 1;
    if (HEADER_VALUE.test(text)) return text;
    throw validationError(`masks.${name}`, 'a header value cannot hold line breaks, control characters or characters beyond Latin-1');
  });
}
