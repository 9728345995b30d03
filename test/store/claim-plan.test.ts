import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CompiledQuery } from 'kysely';
import { claimCandidateQuery } from '../../src/store/operations/claim-next.js';
import { createStoreContext } from '../../src/store/store-context.js';
import { dialectSkip, freshStore, withRawDatabase, type FreshStore } from '../support/stores.js';
import { newOperation } from './fixtures.js';

interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Index Name'?: string;
  readonly Plans?: readonly PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

/**
 * A queue that drains in linear time needs every claim to read the head of the claim index
 * in order. Right after a burst the table's statistics are stale (it was empty when last
 * analyzed), and PostgreSQL then chose a bitmap scan plus a sort of every scheduled row per
 * claim: 10,000 queued no-ops drained at 21/s instead of hundreds. The dialect's
 * `beforeClaim` pins the plan; this checks the plan the claim transaction gets, on a database
 * in exactly that state (a burst just submitted, part of it claimed, never analyzed).
 */
describe('the claim query plan on PostgreSQL after a burst', { skip: await dialectSkip('postgres') }, () => {
  let fresh: FreshStore;
  before(async () => (fresh = await freshStore('postgres')));
  after(async () => fresh?.cleanup());

  it('reads the claim index in order: no sort, no bitmap scan', async () => {
    const executor = 'plan-check';
    await fresh.store.operations.submitMany(Array.from({ length: 3000 }, () => newOperation({ executor })));
    const request = { workerId: 'w', leaseMs: 60_000, perDeviceLimit: 1, executors: [executor] };
    for (let i = 0; i < 20; i += 1) await fresh.store.operations.claimMany(request, 10);
    const plan = await withRawDatabase(fresh.url, async (dialect) => {
      const ctx = createStoreContext(dialect, Date.now);
      return ctx.write(async (tx) => {
        await dialect.beforeClaim(tx.db);
        const compiled = claimCandidateQuery(ctx, tx, request, []).compile();
        const { rows } = await tx.db.executeQuery<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(CompiledQuery.raw(`explain (format json) ${compiled.sql}`, [...compiled.parameters]));
        return rows[0]!['QUERY PLAN'][0].Plan;
      });
    });
    const types = nodes(plan).map((node) => node['Node Type']);
    assert.ok(!types.includes('Sort'), `no sort in the claim plan: ${types.join(' > ')}`);
    assert.ok(!types.includes('Bitmap Heap Scan'), `no bitmap scan in the claim plan: ${types.join(' > ')}`);
    assert.ok(nodes(plan).some((node) => node['Node Type'] === 'Index Scan' && node['Index Name'] === 'operations_claim'), `the claim index is read: ${JSON.stringify(plan)}`);
  });
});
