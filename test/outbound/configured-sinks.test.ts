import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isOstiaryError } from '../../src/domain/index.js';
import { CONFIG_FILE_ACTOR, readConfiguredSinks, syncConfiguredSinks } from '../../src/outbound/configured-sinks.js';
import { freshStore, type FreshStore } from '../support/stores.js';

const syslog = (port: number) => ({ name: 'siem', kind: 'syslog', config: { transport: 'tcp', host: '127.0.0.1', port } });
const hook = { name: 'hook', kind: 'webhook', config: { url: 'https://hooks.example.net/x', secretEnv: 'HOOK_SECRET' } };

describe('sinks from the config file', () => {
  let fresh: FreshStore;
  let file: string;
  before(async () => {
    fresh = await freshStore('sqlite');
    file = join(fresh.url, '..', 'ostiary.json');
  });
  after(async () => fresh?.cleanup());

  const write = (value: unknown) => writeFile(file, typeof value === 'string' ? value : JSON.stringify(value));
  const configError = (field: RegExp) => (error: unknown) => isOstiaryError(error) && error.code === 'OST_CONFIG' && field.test(error.message);

  it('a missing file means no sinks', async () => {
    assert.deepEqual(await readConfiguredSinks(join(fresh.url, '..', 'absent.json')), []);
  });

  it('creates, updates and disables config-managed sinks to match the file, as audited events', async () => {
    const { store } = fresh;
    await write({ sinks: [syslog(514), hook] });
    assert.deepEqual(await syncConfiguredSinks(store, await readConfiguredSinks(file)), { created: ['siem', 'hook'], updated: [], disabled: [] });
    assert.deepEqual(await syncConfiguredSinks(store, await readConfiguredSinks(file)), { created: [], updated: [], disabled: [] }, 'unchanged file, no change');
    await write({ sinks: [syslog(6514)] });
    assert.deepEqual(await syncConfiguredSinks(store, await readConfiguredSinks(file)), { created: [], updated: ['siem'], disabled: ['hook'] });
    const siem = await store.sinks.getByName('siem');
    assert.equal(siem?.managedBy, 'config');
    assert.equal(siem?.config.port, 6514);
    assert.equal((await store.sinks.getByName('hook'))?.enabled, false);
    const events = await store.outbox.read(0, 100);
    assert.deepEqual(events.filter((e) => e.type.startsWith('sink.')).map((e) => [e.type, e.payload.actor]), [
      ['sink.created', CONFIG_FILE_ACTOR], ['sink.created', CONFIG_FILE_ACTOR], ['sink.updated', CONFIG_FILE_ACTOR], ['sink.updated', CONFIG_FILE_ACTOR],
    ]);
  });

  it('refuses a name an API-managed sink holds, and a change of kind', async () => {
    const { store } = fresh;
    await store.sinks.create({ name: 'api-one', kind: 'syslog', actor: 'admin', config: { transport: 'udp', host: 'h', port: 1 } });
    await assert.rejects(syncConfiguredSinks(store, [{ ...syslog(1), name: 'api-one', kind: 'syslog', enabled: true, startFrom: 'now' }]), configError(/api-one.*API/));
    await assert.rejects(syncConfiguredSinks(store, [{ ...hook, name: 'siem', kind: 'webhook', enabled: true, startFrom: 'now' }]), configError(/siem\.kind/));
  });

  it('names the file and the field when the file is wrong', async () => {
    await write('{ not json');
    await assert.rejects(readConfiguredSinks(file), configError(/ostiary\.json: not valid JSON/));
    await write({ sinks: [{ name: 'x', kind: 'syslog', config: { transport: 'tcp', host: 'h', port: 'many' } }] });
    await assert.rejects(readConfiguredSinks(file), configError(/ostiary\.json: sinks\.0\.config\.port/));
    await write({ sinks: [{ name: 'x', kind: 'pager', config: {} }] });
    await assert.rejects(readConfiguredSinks(file), configError(/sinks\.0\.kind/));
  });
});
