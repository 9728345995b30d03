import { z } from 'zod';

/** Path parameter `:id`: every object id is a UUID. */
export const idParams = z.strictObject({ id: z.uuid() });

/** Query of every list route. Cursors are opaque strings from the previous page's `next`. */
export const pageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).optional().describe('Page size. Default 50.'),
  after: z.string().min(1).max(512).optional().describe('The `next` cursor of the previous page.'),
});

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), next: z.string().nullable().describe('Cursor of the next page; null on the last one.') });
}

/** Times leave the API as ISO 8601 strings (UTC). */
export const timestamp = z.iso.datetime();

export function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

export function isoOrNull(epochMs: number | null): string | null {
  return epochMs === null ? null : iso(epochMs);
}

/** A short free-text name or label. */
export const label = (max = 200) => z.string().trim().min(1).max(max);

/** Why an action is taken (reveal, cancel): required where the action is sensitive. */
export const reason = z.string().trim().min(3).max(1000).describe('Why; recorded in the audit trail.');

/** A date filter: ISO 8601 date-time or epoch milliseconds. */
export const dateFilter = z
  .union([z.iso.datetime({ offset: true }), z.iso.date(), z.coerce.number().int().min(0).max(8.64e15)])
  .transform((value) => (typeof value === 'number' ? value : Date.parse(value)));

export const noContent = z.null().describe('No content.');
