import type { Kysely, Selectable } from 'kysely';
import { newId, validationError } from '../domain/index.js';
import type { Database } from './database.js';
import { insertSecret } from './secret-rows.js';
import { outboxHead } from './outbox-repository.js';
import { createSinkDeliveryState } from './sink-delivery-state.js';
import type { NewSink, SinkChanges, SinkKind, SinkManager, SinkRecord, SinkRepository } from './sink-store.js';
import { SINK_KINDS } from './sink-store.js';
import type { SinksTable } from './sink-tables.js';
import type { StoreContext, WriteTx } from './store-context.js';
import { notFound } from './store-errors.js';

/** Sinks and their delivery state (see sink-store.ts). */
export function createSinkRepository(ctx: StoreContext): SinkRepository {
  return Object.freeze({
    create: (sink: NewSink) => ctx.write((tx) => createSink(tx, sink)),
    get: (id: string) => ctx.query((db) => findSink(db, 'id', id)),
    getByName: (name: string) => ctx.query((db) => findSink(db, 'name', name)),
    list: () => ctx.query(async (db) => Object.freeze((await db.selectFrom('sinks').selectAll().orderBy('name').execute()).map(toSink))),
    update: (id: string, changes: SinkChanges) => ctx.write((tx) => updateSink(tx, id, changes)),
    delete: (id: string, actor: string) => ctx.write((tx) => deleteSink(tx, id, actor)),
    ...createSinkDeliveryState(ctx),
  });
}

async function findSink(db: Kysely<Database>, column: 'id' | 'name', value: string): Promise<SinkRecord | null> {
  const row = await db.selectFrom('sinks').selectAll().where(column, '=', value).executeTakeFirst();
  return row ? toSink(row) : null;
}

async function createSink(tx: WriteTx, sink: NewSink): Promise<SinkRecord> {
  validateNewSink(sink);
  const secretId = sink.secret ? await insertSecret(tx.db, sink.secret, tx.now, 'sink.secret') : null;
  const row = {
    id: newId(),
    name: sink.name,
    kind: sink.kind,
    config: JSON.stringify(sink.config),
    secret_id: secretId,
    enabled: sink.enabled === false ? 0 : 1,
    managed_by: sink.managedBy ?? 'api',
    created_at: tx.now,
    updated_at: tx.now,
  };
  await tx.db.insertInto('sinks').values(row).execute();
  const start = sink.startFrom === 'beginning' ? 0 : await outboxHead(tx.db);
  await tx.db.insertInto('sink_cursors').values(newCursor(row.id, start, tx.now)).execute();
  tx.appendEvent('sink.created', row.id, { sinkId: row.id, name: row.name, kind: row.kind, actor: sink.actor, startSeq: start });
  return toSink(row);
}

function newCursor(sinkId: string, deliveredSeq: number, now: number) {
  return {
    sink_id: sinkId,
    delivered_seq: deliveredSeq,
    delivered_at: null,
    delivered_count: 0,
    failures: 0,
    total_failures: 0,
    last_error: null,
    last_error_at: null,
    next_attempt_at: null,
    lease_owner: null,
    lease_expires_at: null,
    updated_at: now,
  };
}

function validateNewSink(sink: NewSink): void {
  if (typeof sink.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(sink.name)) {
    throw validationError('sink.name', 'expected 1–64 letters, digits, `_`, `.` or `-`, starting with a letter or digit');
  }
  if (!(SINK_KINDS as readonly string[]).includes(sink.kind)) throw validationError('sink.kind', `expected one of ${SINK_KINDS.join(', ')}`);
  requireActor(sink.actor);
}

function requireActor(actor: string): void {
  if (typeof actor !== 'string' || actor === '') throw validationError('sink.actor', 'expected who made the change');
}

async function updateSink(tx: WriteTx, id: string, changes: SinkChanges): Promise<SinkRecord> {
  requireActor(changes.actor);
  const current = await tx.db.selectFrom('sinks').selectAll().where('id', '=', id).executeTakeFirst();
  if (!current) throw notFound('sink', id);
  const set: Partial<Selectable<SinksTable>> & { enabled?: number } = { updated_at: tx.now };
  if (changes.config !== undefined) set.config = JSON.stringify(changes.config);
  if (changes.enabled !== undefined) set.enabled = changes.enabled ? 1 : 0;
  if (changes.secret !== undefined) set.secret_id = changes.secret ? await insertSecret(tx.db, changes.secret, tx.now, 'sink.secret') : null;
  await tx.db.updateTable('sinks').set(set).where('id', '=', id).execute();
  if (changes.secret !== undefined && current.secret_id !== null) await deleteSecret(tx, current.secret_id);
  const fields = Object.keys(changes).filter((key) => key !== 'actor');
  tx.appendEvent('sink.updated', id, { sinkId: id, name: current.name, kind: current.kind, actor: changes.actor, fields });
  return toSink({ ...current, ...set });
}

async function deleteSink(tx: WriteTx, id: string, actor: string): Promise<void> {
  requireActor(actor);
  const current = await tx.db.selectFrom('sinks').selectAll().where('id', '=', id).executeTakeFirst();
  if (!current) throw notFound('sink', id);
  await tx.db.deleteFrom('sink_deliveries').where('sink_id', '=', id).execute();
  await tx.db.deleteFrom('sink_cursors').where('sink_id', '=', id).execute();
  await tx.db.deleteFrom('sinks').where('id', '=', id).execute();
  if (current.secret_id !== null) await deleteSecret(tx, current.secret_id);
  tx.appendEvent('sink.deleted', id, { sinkId: id, name: current.name, kind: current.kind, actor });
}

/** A sink's secret belongs to it alone: it goes with the sink. */
async function deleteSecret(tx: WriteTx, secretId: string): Promise<void> {
  await tx.db.deleteFrom('secret_versions').where('secret_id', '=', secretId).execute();
  await tx.db.deleteFrom('secrets').where('id', '=', secretId).execute();
}

function toSink(row: Selectable<SinksTable>): SinkRecord {
  return Object.freeze({
    id: row.id,
    name: row.name,
    kind: row.kind as SinkKind,
    config: Object.freeze(JSON.parse(row.config) as Record<string, unknown>),
    secretId: row.secret_id,
    enabled: row.enabled === true || row.enabled === 1,
    managedBy: row.managed_by as SinkManager,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}
