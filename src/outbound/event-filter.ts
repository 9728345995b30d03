/**
 * Event type filters: globs such as `credential.*`, `operation.failed` or `*`. `*` matches any
 * run of characters (dots included); everything else is literal. Hand-written: the whole
 * language is one wildcard, smaller than any glob library's options.
 */
export type EventFilter = (type: string) => boolean;

export function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`);
}

/** A filter that passes a type matching any of the globs. */
export function eventFilter(globs: readonly string[]): EventFilter {
  const patterns = globs.map(globToRegExp);
  return (type) => patterns.some((pattern) => pattern.test(type));
}
