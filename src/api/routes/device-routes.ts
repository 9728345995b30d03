import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Device } from '../../domain/index.js';
import { notFound } from '../not-found.js';
import type { ApiContext } from '../api-context.js';
import { auditRequest } from '../request-audit.js';
import { idParams, pageOf, pageQuery } from '../schemas/common-schemas.js';
import { deviceChanges, deviceInput, deviceView, toDeviceView } from '../schemas/device-schemas.js';
import { responses } from '../schemas/responses.js';

const tags = ['devices'];

/** Devices: list, show, create, change, delete (DESIGN.md §1). */
export function deviceRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/devices', {
      config: { permission: 'device:read' },
      schema: { tags, summary: 'List devices', querystring: pageQuery, response: responses({ 200: pageOf(deviceView) }) },
    }, async (request) => {
      const page = await ctx.store.devices.list(request.query);
      return { items: page.items.map(toDeviceView), next: page.next };
    });

    app.get('/devices/:id', {
      config: { permission: 'device:read' },
      schema: { tags, summary: 'Show a device', params: idParams, response: responses({ 200: deviceView }) },
    }, async (request) => toDeviceView(await existingDevice(ctx, request.params.id)));

    app.post('/devices', {
      config: { permission: 'device:write' },
      schema: { tags, summary: 'Create a device', body: deviceInput, response: responses({ 201: deviceView }) },
    }, async (request, reply) => {
      const device = await ctx.store.devices.create(request.body);
      await auditRequest(ctx, request, { action: 'device.create', objectType: 'device', objectId: device.id, changes: request.body });
      return reply.status(201).send(toDeviceView(device));
    });

    app.patch('/devices/:id', {
      config: { permission: 'device:write' },
      schema: { tags, summary: 'Change a device', params: idParams, body: deviceChanges, response: responses({ 200: deviceView }) },
    }, async (request) => {
      await existingDevice(ctx, request.params.id);
      const device = await ctx.store.devices.update(request.params.id, request.body);
      await auditRequest(ctx, request, { action: 'device.update', objectType: 'device', objectId: device.id, changes: request.body });
      return toDeviceView(device);
    });

    app.delete('/devices/:id', {
      config: { permission: 'device:write' },
      schema: { tags, summary: 'Delete a device without credentials', params: idParams, response: responses({ 204: z.null() }) },
    }, async (request, reply) => {
      const device = await existingDevice(ctx, request.params.id);
      await ctx.store.devices.delete(device.id);
      await auditRequest(ctx, request, { action: 'device.delete', objectType: 'device', objectId: device.id, changes: { name: device.name } });
      return reply.status(204).send(null);
    });
  };
}

async function existingDevice(ctx: ApiContext, id: string): Promise<Device> {
  return (await ctx.store.devices.get(id)) ?? notFound('device', id);
}
