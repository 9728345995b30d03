import { OstiaryError, validationError } from '../../domain/index.js';
import type { Argument, MaskSegment } from '../ast.js';
import type { MaskValues } from '../masks.js';
import { renderArgument } from '../masks.js';

/** The part of a URL a mask stands in, decided by the template's own text around it. */
export type UrlPart = 'scheme' | 'userinfo' | 'host' | 'port' | 'path' | 'query' | 'fragment';

/** Stands for a mask while the template's text is split into URL parts; never in a URL. */
const PLACEHOLDER = '\u0000';

/**
 * The URL part of each mask of a `request` argument, in order. Mask values are encoded, so
 * they can never move a boundary: the parts follow from the template's text alone.
 */
export function urlMaskParts(url: Argument): UrlPart[] {
  const template = url.segments.map((segment) => (segment.kind === 'text' ? segment.text : PLACEHOLDER)).join('');
  const partAt = urlPartLocator(template);
  const parts: UrlPart[] = [];
  for (let index = template.indexOf(PLACEHOLDER); index !== -1; index = template.indexOf(PLACEHOLDER, index + 1)) parts.push(partAt(index));
  return parts;
}

/**
 * Renders a `request` URL: a mask in the user info, path, query or fragment is
 * percent-encoded (`encodeURIComponent`, so `/`, `?`, `&`, `=` and `#` in a value stay data);
 * a mask in the host must be a host name or IP address and one in the port a number, else
 * `OST_VALIDATION` names the mask. A mask in the scheme is refused.
 */
export function renderUrl(url: Argument, values: MaskValues): string {
  const parts = urlMaskParts(url);
  const masks = url.segments.filter((segment): segment is MaskSegment => segment.kind === 'mask');
  let position = 0;
  return renderArgument(url, values, (value) => {
    const mask = masks[position];
    const part = parts[position] ?? 'scheme';
    position += 1;
    return encodeFor(part, value, mask?.name ?? '');
  });
}

function encodeFor(part: UrlPart, value: string, name: string): string {
  switch (part) {
    case 'scheme':
      throw new OstiaryError('OST_TEMPLATE_PARSE', `[#${name}#] cannot stand in the scheme of a URL`, { details: { field: 'template.source' } });
    case 'host':
      if (/^[A-Za-z0-9.-]+$/.test(value) || /^[0-9A-Fa-f:.]+$/.test(value)) return value;
      throw validationError(`masks.${name}`, 'expected a host name or IP address, to stand in the host of a URL');
    case 'port':
      if (/^[0-9]{1,5}$/.test(value)) return value;
      throw validationError(`masks.${name}`, 'expected a port number, to stand in the port of a URL');
    default:
      return encodeURIComponent(value);
  }
}

/** A function from an index in `template` to the URL part it falls in. */
function urlPartLocator(template: string): (index: number) => UrlPart {
  const schemeEnd = template.indexOf('://');
  const authorityStart = schemeEnd === -1 ? 0 : schemeEnd + 3;
  const authorityEnd = firstOf(template, '/?#', authorityStart);
  const at = template.lastIndexOf('@', authorityEnd - 1);
  const hostStart = at >= authorityStart ? at + 1 : authorityStart;
  const colon = template.lastIndexOf(':', authorityEnd - 1);
  const portStart = colon >= hostStart && colon > template.lastIndexOf(']', authorityEnd - 1) ? colon + 1 : authorityEnd;
  const fragmentStart = firstOf(template, '#', authorityEnd);
  const queryStart = Math.min(firstOf(template, '?', authorityEnd), fragmentStart);
  return (index) => {
    if (schemeEnd === -1 || index < authorityStart) return 'scheme';
    if (index < hostStart) return 'userinfo';
    if (index < portStart) return 'host';
    if (index < authorityEnd) return 'port';
    if (index < queryStart) return 'path';
    return index < fragmentStart ? 'query' : 'fragment';
  };
}

function firstOf(text: string, characters: string, from: number): number {
  for (let index = from; index < text.length; index += 1) if (characters.includes(text[index] ?? '')) return index;
  return text.length;
}
