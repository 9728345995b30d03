import type { Selectable } from 'kysely';
import { newId, validationError } from '../domain/index.js';
import type { NewUser, UserChanges, UserRecord, UserRepository } from './access-store.js';
import type { UsersTable } from './access-tables.js';
import { decodeCursor, pageLimit, toPage } from './pagination.js';
import type { StoreContext } from './store-context.js';
import { notFound } from './store-errors.js';
import type { Page, PageOf } from './store.js';

export function createUserRepository(ctx: StoreContext): UserRepository {
  return Object.freeze({
    create: (user: NewUser) => createUser(ctx, user),
    get: (id: string) => ctx.query(async (db) => mapOptional(await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst())),
    getByUsername: (username: string) =>
      ctx.query(async (db) => mapOptional(await db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst())),
    list: (page?: Page) => listUsers(ctx, page),
    update: (id: string, changes: UserChanges) => updateUser(ctx, id, changes),
    count: () => ctx.query(async (db) => Number((await db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)),
  });
}

async function createUser(ctx: StoreContext, user: NewUser): Promise<UserRecord> {
  if (typeof user.username !== 'string' || user.username === '') throw validationError('user.username', 'expected a user name');
  return ctx.write(async (tx) => {
    const row = {
      id: newId(),
      username: user.username,
      password_hash: user.passwordHash,
      roles: JSON.stringify([...user.roles]),
      disabled: 0,
      created_at: tx.now,
      updated_at: tx.now,
    };
    await tx.db.insertInto('users').values(row).execute();
    return toUser(row);
  });
}

async function listUsers(ctx: StoreContext, page: Page | undefined): Promise<PageOf<UserRecord>> {
  const limit = pageLimit(page);
  const after = decodeCursor(page);
  return ctx.query(async (db) => {
    let query = db.selectFrom('users').selectAll().orderBy('username').orderBy('id').limit(limit + 1);
    if (after) query = query.where((eb) => eb(eb.refTuple('username', 'id'), '>', eb.tuple(String(after[0]), after[1])));
    return toPage(await query.execute(), limit, toUser, (row) => [row.username, row.id]);
  });
}

async function updateUser(ctx: StoreContext, id: string, changes: UserChanges): Promise<UserRecord> {
  return ctx.write(async (tx) => {
    const set = {
      ...(changes.roles === undefined ? {} : { roles: JSON.stringify([...changes.roles]) }),
      ...(changes.disabled === undefined ? {} : { disabled: changes.disabled ? 1 : 0 }),
      ...(changes.passwordHash === undefined ? {} : { password_hash: changes.passwordHash }),
      updated_at: tx.now,
    };
    const row = await tx.db.updateTable('users').set(set).where('id', '=', id).returningAll().executeTakeFirst();
    if (!row) throw notFound('user', id);
    return toUser(row);
  });
}

function mapOptional(row: Selectable<UsersTable> | undefined): UserRecord | null {
  return row ? toUser(row) : null;
}

function toUser(row: Selectable<UsersTable>): UserRecord {
  return Object.freeze({
    id: row.id,
    username: row.username,
    passwordHash: row.password_hash,
    roles: Object.freeze(JSON.parse(row.roles) as string[]),
    disabled: Boolean(row.disabled),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}
