import type { Command } from 'commander';
import { connectClient } from '../client/client-session.js';
import { printJson, printRecord, printRows } from '../client/client-output.js';
import type { OutputFlags } from '../client/client-output.js';
import { integerOption } from '../option-parsers.js';

interface DeviceView {
  readonly id: string;
  readonly name: string;
  readonly address: string;
  readonly port: number;
  readonly type: string | null;
  readonly site: string | null;
  readonly tags: readonly string[];
  readonly hostKey: string | null;
}

interface Page<T> {
  readonly items: readonly T[];
  readonly next: string | null;
}

interface DeviceFlags extends OutputFlags {
  readonly name?: string;
  readonly address?: string;
  readonly port?: number;
  readonly type?: string;
  readonly vendor?: string;
  readonly model?: string;
  readonly site?: string;
  readonly tag?: string[];
  readonly hostKey?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function withDeviceOptions(command: Command): Command {
  return command
    .option('--name <name>', 'unique name')
    .option('--address <address>', 'host name or IP address')
    .option('--port <port>', 'port (default 22)', integerOption('--port', 1))
    .option('--type <type>')
    .option('--vendor <vendor>')
    .option('--model <model>')
    .option('--site <site>')
    .option('--tag <tag>', 'a tag (repeatable)', collect)
    .option('--host-key <key>', 'pinned SSH host key, `algorithm base64`')
    .option('--json', 'print JSON');
}

function bodyOf(flags: DeviceFlags): Record<string, unknown> {
  const { name, address, port, type, vendor, model, site, tag, hostKey } = flags;
  const body = { name, address, port, type, vendor, model, site, tags: tag, hostKey };
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
}

const columns = {
  ID: (device: DeviceView) => device.id,
  NAME: (device: DeviceView) => device.name,
  ADDRESS: (device: DeviceView) => `${device.address}:${device.port}`,
  TYPE: (device: DeviceView) => device.type ?? '',
  SITE: (device: DeviceView) => device.site ?? '',
  TAGS: (device: DeviceView) => device.tags.join(','),
  'HOST KEY': (device: DeviceView) => (device.hostKey === null ? 'not pinned' : 'pinned'),
};

/** `ostiary devices …`: a client of `/api/v1/devices` (needs OSTIARY_URL or `ostiary login`). */
export function registerDevices(program: Command): void {
  const devices = program.command('devices').description('list and manage devices through the API');

  devices.command('list').description('list devices').option('--limit <n>', 'page size', integerOption('--limit', 1), 50).option('--after <cursor>', 'next page').option('--json', 'print JSON')
    .action(async (flags: OutputFlags & { limit: number; after?: string }) => {
      const page = await (await connectClient()).get<Page<DeviceView>>('/devices', { limit: flags.limit, after: flags.after });
      if (flags.json === true) return printJson(page);
      printRows(flags, page.items, columns, 'no devices');
      if (page.next !== null) console.log(`more: --after ${page.next}`);
    });

  devices.command('show <id>').description('show a device').option('--json', 'print JSON')
    .action(async (id: string, flags: OutputFlags) => printRecord(flags, { ...(await (await connectClient()).get<DeviceView>(`/devices/${id}`)) }));

  withDeviceOptions(devices.command('create').description('register a device'))
    .action(async (flags: DeviceFlags) => printRecord(flags, { ...(await (await connectClient()).send<DeviceView>('POST', '/devices', bodyOf(flags))) }));

  withDeviceOptions(devices.command('update <id>').description('change a device (only the options given)'))
    .action(async (id: string, flags: DeviceFlags) => printRecord(flags, { ...(await (await connectClient()).send<DeviceView>('PATCH', `/devices/${id}`, bodyOf(flags))) }));

  devices.command('delete <id>').description('delete a device that has no credentials')
    .action(async (id: string) => {
      await (await connectClient()).send('DELETE', `/devices/${id}`);
      console.log(`deleted device ${id}`);
    });
}
