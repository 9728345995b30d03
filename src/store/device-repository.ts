import type { Selectable } from 'kysely';
import { newId, OstiaryError, validationError, type Device, type NewDevice } from '../domain/index.js';
import type { DevicesTable } from './database.js';
import { decodeCursor, pageLimit, toPage } from './pagination.js';
import type { StoreContext } from './store-context.js';
import { notFound } from './store-errors.js';
import type { DeviceRepository, Page, PageOf } from './store.js';

const DEFAULT_SSH_PORT = 22;

/** Devices: unique names, pinned host keys; a device with credentials cannot be deleted. */
export function createDeviceRepository(ctx: StoreContext): DeviceRepository {
  return Object.freeze({
    create: (device: NewDevice) => createDevice(ctx, device),
    get: (id: string) => ctx.query(async (db) => mapOptional(await db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst())),
    getByName: (name: string) =>
      ctx.query(async (db) => mapOptional(await db.selectFrom('devices').selectAll().where('name', '=', name).executeTakeFirst())),
    list: (page?: Page) => listDevices(ctx, page),
    update: (id: string, changes: Partial<NewDevice>) => updateDevice(ctx, id, changes),
    pinHostKey: (id: string, hostKey: string) => pinHostKey(ctx, id, hostKey),
    delete: (id: string) => deleteDevice(ctx, id),
  });
}

async function createDevice(ctx: StoreContext, device: NewDevice): Promise<Device> {
  const row = toRow(validDevice(device));
  return ctx.write(async (tx) => {
    const inserted = { ...row, id: newId(), created_at: tx.now, updated_at: tx.now };
    await tx.db.insertInto('devices').values(inserted).execute();
    return toDevice(inserted);
  });
}

async function listDevices(ctx: StoreContext, page: Page | undefined): Promise<PageOf<Device>> {
  const limit = pageLimit(page);
  const after = decodeCursor(page);
  return ctx.query(async (db) => {
    let query = db.selectFrom('devices').selectAll().orderBy('name').orderBy('id').limit(limit + 1);
    if (after) query = query.where((eb) => eb(eb.refTuple('name', 'id'), '>', eb.tuple(String(after[0]), after[1])));
    return toPage(await query.execute(), limit, toDevice, (row) => [row.name, row.id]);
  });
}

async function updateDevice(ctx: StoreContext, id: string, changes: Partial<NewDevice>): Promise<Device> {
  return ctx.write(async (tx) => {
    const current = await tx.db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst();
    if (!current) throw notFound('device', id);
    const merged = { ...toNewDevice(toDevice(current)), ...definedOnly(changes) };
    const row = { ...toRow(validDevice(merged)), updated_at: tx.now };
    await tx.db.updateTable('devices').set(row).where('id', '=', id).execute();
    return toDevice({ ...current, ...row });
  });
}

async function pinHostKey(ctx: StoreContext, id: string, hostKey: string): Promise<string> {
  if (hostKey.trim() === '') throw validationError('device.hostKey', 'expected `algorithm base64`');
  return ctx.write(async (tx) => {
    // Only a device without a key gets one: the first key seen wins, later ones are compared to it.
    await tx.db
      .updateTable('devices')
      .set({ host_key: hostKey, updated_at: tx.now })
      .where('id', '=', id)
      .where('host_key', 'is', null)
      .execute();
    const row = await tx.db.selectFrom('devices').select('host_key').where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('device', id);
    return row.host_key ?? hostKey;
  });
}

async function deleteDevice(ctx: StoreContext, id: string): Promise<void> {
  await ctx.write(async (tx) => {
    const used = await tx.db.selectFrom('credentials').select('id').where('device_id', '=', id).executeTakeFirst();
    if (used) {
      throw new OstiaryError('OST_CONFLICT', `device.id: device ${id} still has credentials`, { details: { field: 'device.id' } });
    }
    const result = await tx.db.deleteFrom('devices').where('id', '=', id).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw notFound('device', id);
  });
}

function validDevice(device: NewDevice): NewDevice {
  if (typeof device.name !== 'string' || device.name.trim() === '') throw validationError('device.name', 'expected a non-empty name');
  if (typeof device.address !== 'string' || device.address.trim() === '') {
    throw validationError('device.address', 'expected a host name or IP address');
  }
  const port = device.port ?? DEFAULT_SSH_PORT;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw validationError('device.port', 'expected an integer from 1 to 65535');
  if (device.tags !== undefined && !device.tags.every((tag) => typeof tag === 'string')) {
    throw validationError('device.tags', 'expected a list of strings');
  }
  return device;
}

function toRow(device: NewDevice): Omit<DevicesTable, 'id' | 'created_at' | 'updated_at'> {
  return {
    name: device.name,
    address: device.address,
    port: device.port ?? DEFAULT_SSH_PORT,
    type: device.type ?? null,
    vendor: device.vendor ?? null,
    model: device.model ?? null,
    site: device.site ?? null,
    tags: JSON.stringify(device.tags ?? []),
    host_key: device.hostKey ?? null,
  };
}

function toNewDevice(device: Device): NewDevice {
  const { id: _id, createdAt: _created, updatedAt: _updated, ...rest } = device;
  return rest;
}

function definedOnly<T extends object>(changes: T): Partial<T> {
  return Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function mapOptional(row: Selectable<DevicesTable> | undefined): Device | null {
  return row ? toDevice(row) : null;
}

function toDevice(row: Selectable<DevicesTable>): Device {
  return Object.freeze({
    id: row.id,
    name: row.name,
    address: row.address,
    port: row.port,
    type: row.type,
    vendor: row.vendor,
    model: row.model,
    site: row.site,
    tags: Object.freeze(JSON.parse(row.tags) as string[]),
    hostKey: row.host_key,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}
