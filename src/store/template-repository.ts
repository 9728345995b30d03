import type { Kysely, Selectable } from 'kysely';
import { LRUCache } from 'lru-cache';
import { OstiaryError, TEMPLATE_TYPES, newId, validationError, type Template, type TemplateType, type TemplateVersion } from '../domain/index.js';
import type { Database, TemplateVersionsTable, TemplatesTable } from './database.js';
import { decodeCursor, pageLimit, toPage } from './pagination.js';
import type { StoreContext, WriteTx } from './store-context.js';
import { notFound } from './store-errors.js';
import type { NewTemplate, Page, PageOf, TemplateRepository } from './store.js';

/** Versions kept in memory per store; a version never changes once saved. */
const VERSION_CACHE_SIZE = 1000;

/** Templates and their immutable, gap-free numbered versions. */
export function createTemplateRepository(ctx: StoreContext): TemplateRepository {
  // Every attempt loads its pinned version; versions are immutable and never deleted, so a
  // version read once (committed, outside any transaction) is served from memory after that.
  const versions = new LRUCache<string, TemplateVersion>({ max: VERSION_CACHE_SIZE });
  const cachedVersion = async (templateId: string, version: number): Promise<TemplateVersion | null> => {
    const key = `${templateId}\u0000${version}`;
    const cached = versions.get(key);
    if (cached) return cached;
    const found = await ctx.query((db) => getVersion(db, templateId, version));
    if (found) versions.set(key, found);
    return found;
  };
  return Object.freeze({
    create: (template: NewTemplate) => ctx.write((tx) => createTemplate(tx, template)),
    saveVersion: (templateId: string, source: string, author: string) => ctx.write((tx) => saveVersion(tx, templateId, source, author)),
    get: (id: string) => ctx.query((db) => findTemplate(db, 'id', id)),
    getByName: (name: string) => ctx.query((db) => findTemplate(db, 'name', name)),
    getVersion: cachedVersion,
    listVersions: (templateId: string) => ctx.query((db) => listVersions(db, templateId)),
    list: (page?: Page) => listTemplates(ctx, page),
  });
}

async function createTemplate(tx: WriteTx, input: NewTemplate): Promise<{ template: Template; version: TemplateVersion }> {
  const valid = validTemplate(input);
  const row: Selectable<TemplatesTable> = {
    id: newId(),
    name: valid.name,
    type: valid.type,
    executor: valid.executor,
    latest_version: 1,
    created_at: tx.now,
    updated_at: tx.now,
  };
  await tx.db.insertInto('templates').values(row).execute();
  const version = await insertVersion(tx, row.id, 1, valid.source, valid.author);
  return { template: toTemplate(row), version };
}

async function saveVersion(tx: WriteTx, templateId: string, source: string, author: string): Promise<TemplateVersion> {
  validSource(source, author);
  const current = await tx.db.selectFrom('templates').select('latest_version').where('id', '=', templateId).executeTakeFirst();
  if (!current) throw notFound('template', templateId);
  const version = current.latest_version + 1;
  // Conditional on the version read: a concurrent save makes this one a conflict, not a lost update.
  const result = await tx.db
    .updateTable('templates')
    .set({ latest_version: version, updated_at: tx.now })
    .where('id', '=', templateId)
    .where('latest_version', '=', current.latest_version)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) {
    throw new OstiaryError('OST_CONFLICT', 'template.version: the template was saved concurrently', { details: { field: 'template.version' } });
  }
  return insertVersion(tx, templateId, version, source, author);
}

async function insertVersion(tx: WriteTx, templateId: string, version: number, source: string, author: string): Promise<TemplateVersion> {
  const row = { template_id: templateId, version, source, author, created_at: tx.now };
  await tx.db.insertInto('template_versions').values(row).execute();
  return toVersion(row);
}

async function findTemplate(db: Kysely<Database>, column: 'id' | 'name', value: string): Promise<Template | null> {
  const row = await db.selectFrom('templates').selectAll().where(column, '=', value).executeTakeFirst();
  return row ? toTemplate(row) : null;
}

async function getVersion(db: Kysely<Database>, templateId: string, version: number): Promise<TemplateVersion | null> {
  const row = await db
    .selectFrom('template_versions')
    .selectAll()
    .where('template_id', '=', templateId)
    .where('version', '=', version)
    .executeTakeFirst();
  return row ? toVersion(row) : null;
}

async function listVersions(db: Kysely<Database>, templateId: string): Promise<readonly TemplateVersion[]> {
  const rows = await db.selectFrom('template_versions').selectAll().where('template_id', '=', templateId).orderBy('version').execute();
  return Object.freeze(rows.map(toVersion));
}

async function listTemplates(ctx: StoreContext, page: Page | undefined): Promise<PageOf<Template>> {
  const limit = pageLimit(page);
  const after = decodeCursor(page);
  return ctx.query(async (db) => {
    let query = db.selectFrom('templates').selectAll().orderBy('name').orderBy('id').limit(limit + 1);
    if (after) query = query.where((eb) => eb(eb.refTuple('name', 'id'), '>', eb.tuple(String(after[0]), after[1])));
    return toPage(await query.execute(), limit, toTemplate, (row) => [row.name, row.id]);
  });
}

function validTemplate(input: NewTemplate): NewTemplate {
  if (typeof input.name !== 'string' || input.name.trim() === '') throw validationError('template.name', 'expected a non-empty name');
  if (!(TEMPLATE_TYPES as readonly string[]).includes(input.type)) {
    throw validationError('template.type', `expected one of ${TEMPLATE_TYPES.join(', ')}`);
  }
  if (typeof input.executor !== 'string' || input.executor === '') throw validationError('template.executor', 'expected an executor name');
  validSource(input.source, input.author);
  return input;
}

function validSource(source: string, author: string): void {
  if (typeof source !== 'string') throw validationError('template.source', 'expected text');
  if (typeof author !== 'string' || author === '') throw validationError('template.author', 'expected the author');
}

function toTemplate(row: Selectable<TemplatesTable>): Template {
  return Object.freeze({
    id: row.id,
    name: row.name,
    type: row.type as TemplateType,
    executor: row.executor,
    latestVersion: row.latest_version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

function toVersion(row: Selectable<TemplateVersionsTable>): TemplateVersion {
  return Object.freeze({ templateId: row.template_id, version: row.version, source: row.source, author: row.author, createdAt: row.created_at });
}
