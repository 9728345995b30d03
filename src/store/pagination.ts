import { validationError } from '../domain/index.js';
import type { Page, PageOf } from './store.js';

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 1000;

/** The sort key of the last row of a page: the next page starts strictly after it. */
export type CursorKey = readonly [string | number, string];

/** Validated page size. */
export function pageLimit(page: Page | undefined): number {
  const limit = page?.limit ?? DEFAULT_PAGE_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
    throw validationError('page.limit', `expected an integer from 1 to ${MAX_PAGE_LIMIT}`);
  }
  return limit;
}

/** Cursors are opaque to callers: base64url of the JSON sort key. */
export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(page: Page | undefined): CursorKey | null {
  if (page?.after === undefined) return null;
  try {
    const key: unknown = JSON.parse(Buffer.from(page.after, 'base64url').toString('utf8'));
    if (isCursorKey(key)) return key;
  } catch {
    // Falls through to the validation error below: a cursor we did not make.
  }
  throw validationError('page.after', 'expected a cursor returned by the previous page');
}

function isCursorKey(value: unknown): value is CursorKey {
  return (
    Array.isArray(value) &&
    value.length === 2 &&
    (typeof value[0] === 'string' || typeof value[0] === 'number') &&
    typeof value[1] === 'string'
  );
}

/**
 * Builds a page from `limit + 1` fetched rows: the extra row only tells that a next page exists.
 */
export function toPage<R, T>(rows: readonly R[], limit: number, map: (row: R) => T, key: (row: R) => CursorKey): PageOf<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  const next = rows.length > limit && last !== undefined ? encodeCursor(key(last)) : null;
  return Object.freeze({ items: Object.freeze(items.map(map)), next });
}
