import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import type { DeliveryLoop } from '../../src/outbound/delivery/delivery-loop.js';
import { dialectSkip, freshStore, type FreshStore } from '../support/stores.js';
import { eventually, FrameReceiver, orderAndDuplicates, testLoop } from './outbound-fixtures.js';

describe('two nodes on one PostgreSQL database', { skip: await dialectSkip('postgres') }, () => {
  const receiver = new FrameReceiver();
  let fresh: FreshStore;
  let other: Store;
  let port: number;
  const loops: DeliveryLoop[] = [];

  before(async () => {
    [fresh, port] = await Promise.all([freshStore('postgres'), receiver.listen()]);
    other = await openStore({ url: fresh.url });
  });
  after(async () => {
    await Promise.all(loops.map((loop) => loop.stop()));
    await other?.close();
    await Promise.all([receiver.close(), fresh?.cleanup()]);
  });

  it('only the lease holder delivers a sink; when it stops, the other node takes over where it left off', async () => {
    const sink = await fresh.store.sinks.create({
      name: 'shared', kind: 'syslog', actor: 't', config: { transport: 'tcp', host: '127.0.0.1', port, hostname: 'node' },
    });
    const [a, b] = [testLoop(fresh.store, { owner: 'node-a' }), testLoop(other, { owner: 'node-b' })];
    loops.push(a, b);
    await Promise.all([a.start(), b.start()]);
    const first: number[] = [];
    for (let i = 0; i < 60; i += 1) first.push((await (i % 2 ? other : fresh.store).outbox.append('shared.event', `e${i}`, { i })).seq);
    await eventually(async () => first.every((seq) => receiver.seqs.includes(seq)), 30_000, 'the first 60 events');
    const holder = (await fresh.store.sinks.state(sink.id))?.leaseOwner;
    assert.ok(holder === 'node-a' || holder === 'node-b');
    const [leader, follower] = holder === 'node-a' ? [a, b] : [b, a];
    await leader.stop();
    const second: number[] = [];
    for (let i = 0; i < 20; i += 1) second.push((await fresh.store.outbox.append('shared.event', `f${i}`, { i })).seq);
    await eventually(async () => second.every((seq) => receiver.seqs.includes(seq)), 30_000, 'the next 20 events');
    assert.equal((await fresh.store.sinks.state(sink.id))?.leaseOwner, follower.owner);
    const { duplicates, distinct, inOrder } = orderAndDuplicates(receiver.seqs);
    assert.ok(inOrder);
    assert.deepEqual(distinct.filter((seq) => seq >= (first[0] ?? 0)), [...first, ...second]);
    assert.equal(duplicates, 0, 'a clean hand-over sends nothing twice');
  });
});
