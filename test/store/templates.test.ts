import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dialectSkip, dialects, freshStore, type FreshStore } from '../support/stores.js';
import { rejectsWith } from './fixtures.js';

for (const dialect of dialects) {
  describe(`template repository (${dialect})`, { skip: await dialectSkip(dialect) }, () => {
    let fresh: FreshStore;
    before(async () => (fresh = await freshStore(dialect)));
    after(async () => fresh?.cleanup());

    it('creates a template with version 1 and saves new versions, keeping the old ones', async () => {
      const { template, version } = await fresh.store.templates.create({
        name: 'restart-service',
        type: 'task',
        executor: 'ssh',
        source: 'exec "systemctl restart [#SERVICE#]"\nend',
        author: 'alice',
      });
      assert.deepEqual([template.latestVersion, version.version, version.author], [1, 1, 'alice']);
      const v2 = await fresh.store.templates.saveVersion(template.id, 'exec "true"\nend', 'bob');
      assert.equal(v2.version, 2);
      assert.equal((await fresh.store.templates.get(template.id))?.latestVersion, 2);
      assert.equal((await fresh.store.templates.getByName('restart-service'))?.id, template.id);
      assert.equal((await fresh.store.templates.getVersion(template.id, 1))?.source, 'exec "systemctl restart [#SERVICE#]"\nend');
      assert.equal((await fresh.store.templates.getVersion(template.id, 2))?.author, 'bob');
      assert.equal(await fresh.store.templates.getVersion(template.id, 3), null);
      assert.deepEqual((await fresh.store.templates.listVersions(template.id)).map((v) => v.version), [1, 2]);
    });

    it('refuses a duplicate name as OST_CONFLICT naming template.name', async () => {
      const input = { name: 'dup-template', type: 'verify', executor: 'ssh', source: 'end', author: 'a' } as const;
      await fresh.store.templates.create(input);
      const error = await rejectsWith(fresh.store.templates.create(input), 'OST_CONFLICT');
      assert.equal(error.details.field, 'template.name');
    });

    it('numbers concurrent saves without gaps or duplicates', async () => {
      const { template } = await fresh.store.templates.create({ name: 'busy', type: 'task', executor: 'ssh', source: 'end', author: 'a' });
      const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => fresh.store.templates.saveVersion(template.id, `# ${i}`, 'a')));
      const saved = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.version] : []));
      // A save that lost a race is a conflict, never a silent overwrite.
      for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as { code: string }).code, 'OST_CONFLICT');
      const versions = (await fresh.store.templates.listVersions(template.id)).map((v) => v.version);
      assert.deepEqual(versions, Array.from({ length: saved.length + 1 }, (_, i) => i + 1));
      assert.equal((await fresh.store.templates.get(template.id))?.latestVersion, saved.length + 1);
    });

    it('validates input and reports a missing template', async () => {
      const type = await rejectsWith(
        fresh.store.templates.create({ name: 'bad', type: 'nope' as never, executor: 'ssh', source: '', author: 'a' }),
        'OST_VALIDATION',
      );
      assert.equal(type.details.field, 'template.type');
      await rejectsWith(fresh.store.templates.saveVersion('missing', 'end', 'a'), 'OST_NOT_FOUND');
      assert.equal(await fresh.store.templates.get('missing'), null);
    });

    it('pages through templates by name', async () => {
      for (const n of ['c', 'a', 'b']) await fresh.store.templates.create({ name: `t-${n}`, type: 'task', executor: 'ssh', source: 'end', author: 'a' });
      const names: string[] = [];
      let after: string | undefined;
      do {
        const page = await fresh.store.templates.list({ limit: 1, ...(after ? { after } : {}) });
        names.push(...page.items.map((t) => t.name));
        after = page.next ?? undefined;
      } while (after);
      assert.deepEqual(names.filter((n) => n.startsWith('t-')), ['t-a', 't-b', 't-c']);
      assert.deepEqual(names, [...names].sort());
    });
  });
}
