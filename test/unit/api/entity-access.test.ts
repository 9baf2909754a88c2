import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EntityAccess, type Exclusive, serialQueue } from '../../../src/api/entity-access.js';
import { batch, EventBuilder, MemoryConnector } from '../../../src/connectors/memory/memory-connector.js';
import { isCellarError } from '../../../src/errors.js';
import { ADA, type ApiFixture, openApiFixture } from './api-fixture.js';

let fx: ApiFixture;
beforeAll(async () => {
  fx = await openApiFixture();
});
afterAll(() => fx?.close());

function counting(): { exclusive: Exclusive; calls: () => number } {
  const queue = serialQueue();
  let calls = 0;
  return {
    exclusive: (fn) => {
      calls += 1;
      return queue(fn);
    },
    calls: () => calls,
  };
}

describe('EntityAccess', () => {
  it('reads a cached entity at once and loads a missing one inside the exclusive queue', async () => {
    const { runtime } = fx.service;
    const product = runtime.products.get('customer360');
    const queue = counting();
    const access = new EntityAccess(runtime.repo, queue.exclusive);
    runtime.repo.cache.clear();
    const first = await access.read(product, '1001', (h) => h.db.read(['customers']).customers);
    expect(first).toMatchObject({ first_name: ADA.first_name });
    expect(queue.calls()).toBe(1);
    await access.read(product, '1001', (h) => h.entityId);
    expect(queue.calls()).toBe(1);
  });

  it('has the cache re-read the size of a new entity whose read opened its connection', async () => {
    const { runtime } = fx.service;
    const product = runtime.products.get('customer360');
    const access = new EntityAccess(runtime.repo, serialQueue());
    runtime.repo.cache.clear();
    const key = runtime.repo.entityKey(product, '77001');
    const handle = runtime.repo.create(product, '77001', key); // new: its writes only, no connection
    handle.db.upsert('customers', { id: 77001n, first_name: 'Grace' });
    const pending = runtime.repo.cache.bytes;
    expect(pending).toBeLessThan(8 * 1024);
    const read = await access.read(product, '77001', (h) => h.db.read(['customers']).customers);
    expect(read).toMatchObject({ first_name: 'Grace' });
    expect(runtime.repo.cache.bytes).toBeGreaterThan(pending + 64 * 1024);
    runtime.repo.cache.delete(key); // unflushed: leave nothing behind for the other tests
  });

  it('rejects with CELLAR_ERR_ENTITY_NOT_FOUND for an unknown id', async () => {
    const product = fx.service.runtime.products.get('customer360');
    const access = new EntityAccess(fx.service.runtime.repo, serialQueue());
    await expect(access.read(product, 'nobody', () => 1)).rejects.toSatisfy((e: unknown) =>
      isCellarError(e, 'CELLAR_ERR_ENTITY_NOT_FOUND'),
    );
  });

  it('loses no change when reads that miss the cache race the engine', async () => {
    const { runtime, engine } = fx.service;
    const product = runtime.products.get('customer360');
    const access = new EntityAccess(runtime.repo, (fn) => engine.exclusive(fn));
    runtime.repo.cache.clear();
    const e = new EventBuilder('memory/test');
    for (let i = 0; i < 7; i++) e.event('r', 'customers', null, { id: 1 }); // past the fixture's positions
    const updates = Array.from({ length: 20 }, (_, i) =>
      e.update('customers', { ...ADA, phone: `+44 ${i}` }),
    );
    const connector = new MemoryConnector(
      'customer360/memory',
      updates.map((u) => batch(u)),
    );
    const run = engine.run([{ product, connector }], { follow: false });
    const reads: Promise<unknown>[] = [];
    const key = runtime.repo.entityKey(product, '1001');
    for (let i = 0; i < 20; i++) {
      // An eviction, as the LRU does it: clean entries only.
      if (!runtime.repo.cache.dirtyKeys().includes(key)) runtime.repo.cache.delete(key);
      reads.push(access.read(product, '1001', (h) => h.db.read(['customers']).customers));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await run;
    await Promise.all(reads);
    runtime.repo.cache.clear();
    const stored = await access.read(product, '1001', (h) => h.db.read(['customers']).customers);
    expect(stored).toMatchObject({ phone: '+44 19' });
  });
});
