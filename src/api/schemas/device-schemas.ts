import { z } from 'zod';
import type { Device } from '../../domain/index.js';
import { iso, label, timestamp } from './common-schemas.js';

const optionalText = z.string().trim().max(200).nullable().optional();

export const deviceInput = z.strictObject({
  name: label().describe('Unique name.'),
  address: label(255).describe('Host name or IP address.'),
  port: z.number().int().min(1).max(65535).optional().describe('Default 22.'),
  type: optionalText,
  vendor: optionalText,
  model: optionalText,
  site: optionalText,
  tags: z.array(label(100)).max(50).optional(),
  hostKey: z.string().trim().min(1).max(8192).nullable().optional().describe('Pinned SSH host key, `algorithm base64`.'),
});

/** Every field optional: only the fields given change. */
export const deviceChanges = deviceInput.partial();

export const deviceView = z
  .object({
    id: z.uuid(),
    name: z.string(),
    address: z.string(),
    port: z.number().int(),
    type: z.string().nullable(),
    vendor: z.string().nullable(),
    model: z.string().nullable(),
    site: z.string().nullable(),
    tags: z.array(z.string()),
    hostKey: z.string().nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Device' });

export function toDeviceView(device: Device): z.infer<typeof deviceView> {
  return { ...device, tags: [...device.tags], createdAt: iso(device.createdAt), updatedAt: iso(device.updatedAt) };
}
