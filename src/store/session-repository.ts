import type { Selectable } from 'kysely';
import { newId } from '../domain/index.js';
import type { SessionRecord, SessionRepository } from './access-store.js';
import type { SessionsTable } from './access-tables.js';
import type { StoreContext } from './store-context.js';

export function createSessionRepository(ctx: StoreContext): SessionRepository {
  return Object.freeze({
    create: (session: Omit<SessionRecord, 'id' | 'createdAt'>) => createSession(ctx, session),
    findByTokenHash: (tokenHash: string) =>
      ctx.query(async (db) => {
        const row = await db.selectFrom('sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
        return row ? toSession(row) : null;
      }),
    delete: async (id: string) => {
      await ctx.write((tx) => tx.db.deleteFrom('sessions').where('id', '=', id).execute());
    },
    deleteForUser: (userId: string) => ctx.write(async (tx) => Number((await tx.db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst()).numDeletedRows)),
    deleteExpired: (now: number) => ctx.write(async (tx) => Number((await tx.db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst()).numDeletedRows)),
  });
}

async function createSession(ctx: StoreContext, session: Omit<SessionRecord, 'id' | 'createdAt'>): Promise<SessionRecord> {
  return ctx.write(async (tx) => {
    const row = {
      id: newId(),
      user_id: session.userId,
      token_hash: session.tokenHash,
      created_at: tx.now,
      expires_at: session.expiresAt,
      source_address: session.sourceAddress,
    };
    await tx.db.insertInto('sessions').values(row).execute();
    return toSession(row);
  });
}

function toSession(row: Selectable<SessionsTable>): SessionRecord {
  return Object.freeze({
    id: row.id,
    userId: row.user_id,
    tokenHash: row.token_hash,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    sourceAddress: row.source_address,
  });
}
