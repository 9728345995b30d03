import type { Selectable } from 'kysely';
import { newId } from '../domain/index.js';
import type { ApiTokenRecord, ApiTokenRepository, NewApiToken } from './access-store.js';
import type { ApiTokensTable } from './access-tables.js';
import { decodeCursor, pageLimit, toPage } from './pagination.js';
import type { StoreContext } from './store-context.js';
import { notFound } from './store-errors.js';
import type { Page, PageOf } from './store.js';

export function createApiTokenRepository(ctx: StoreContext): ApiTokenRepository {
  return Object.freeze({
    create: (token: NewApiToken) => createToken(ctx, token),
    get: (id: string) => ctx.query(async (db) => mapOptional(await db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst())),
    findByTokenHash: (tokenHash: string) =>
      ctx.query(async (db) => mapOptional(await db.selectFrom('api_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst())),
    list: (filter: { readonly userId?: string }, page?: Page) => listTokens(ctx, filter, page),
    revoke: (id: string, at: number) => revokeToken(ctx, id, at),
    markUsed: async (id: string, at: number) => {
      await ctx.write((tx) => tx.db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute());
    },
  });
}

async function createToken(ctx: StoreContext, token: NewApiToken): Promise<ApiTokenRecord> {
  return ctx.write(async (tx) => {
    const row = {
      id: newId(),
      user_id: token.userId,
      name: token.name,
      token_hash: token.tokenHash,
      permissions: JSON.stringify([...token.permissions]),
      created_at: tx.now,
      expires_at: token.expiresAt,
      revoked_at: null,
      last_used_at: null,
    };
    await tx.db.insertInto('api_tokens').values(row).execute();
    return toToken(row);
  });
}

/** Newest first; the cursor is (created_at, id) of the last row. */
async function listTokens(ctx: StoreContext, filter: { readonly userId?: string }, page: Page | undefined): Promise<PageOf<ApiTokenRecord>> {
  const limit = pageLimit(page);
  const after = decodeCursor(page);
  return ctx.query(async (db) => {
    let query = db.selectFrom('api_tokens').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1);
    if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
    if (after) query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(Number(after[0]), after[1])));
    return toPage(await query.execute(), limit, toToken, (row) => [row.created_at, row.id]);
  });
}

async function revokeToken(ctx: StoreContext, id: string, at: number): Promise<ApiTokenRecord> {
  return ctx.write(async (tx) => {
    // Only an unrevoked token gets a time: revoking twice keeps the first.
    await tx.db.updateTable('api_tokens').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).execute();
    const row = await tx.db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('api token', id);
    return toToken(row);
  });
}

function mapOptional(row: Selectable<ApiTokensTable> | undefined): ApiTokenRecord | null {
  return row ? toToken(row) : null;
}

function toToken(row: Selectable<ApiTokensTable>): ApiTokenRecord {
  return Object.freeze({
    id: row.id,
    userId: row.user_id,
    name: row.name,
    tokenHash: row.token_hash,
    permissions: Object.freeze(JSON.parse(row.permissions) as string[]),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  });
}
