import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { batch, EventBuilder, MemoryConnector } from '../../../src/connectors/memory/memory-connector.js';
import { isCellarError } from '../../../src/errors.js';
import { openSync } from '../../../src/runtime/open-sync.js';
import { readEntity } from '../../../src/runtime/read-entity.js';
import type { Runtime } from '../../../src/runtime/runtime.js';
import type { ChangeBatch } from '../../../src/sync/change-event.js';
import { type TempRuntime, tempRuntime } from '../../support/temp-runtime.js';

let temp: TempRuntime;
afterEach(() => temp?.cleanup());

async function sync(
  batches: ChangeBatch[],
  sync?: Record<string, number>,
): Promise<{ connector: MemoryConnector; deadLetters: number }> {
  temp ??= tempRuntime({ sync });
  const runtime = await temp.open();
  try {
    const { engine } = await openSync(runtime);
    const connector = new MemoryConnector('test', batches);
    await engine.run([{ product: runtime.products.get('shop'), connector }], { follow: false });
    return { connector, deadLetters: (await runtime.blobs.deadLetters(100)).total };
  } finally {
    await runtime.close();
  }
}

async function read(id: string): Promise<Record<string, unknown> | undefined> {
  const runtime = await temp.open();
  try {
    return (await readEntity(runtime, 'shop', id)).data;
  } catch (err) {
    if (isCellarError(err, 'CELLAR_ERR_ENTITY_NOT_FOUND')) return undefined;
    throw err;
  } finally {
    await runtime.close();
  }
}

async function withRuntime<T>(fn: (runtime: Runtime) => Promise<T>): Promise<T> {
  const runtime = await temp.open();
  try {
    return await fn(runtime);
  } finally {
    await runtime.close();
  }
}

const ada = { id: 1, name: 'Ada', email: 'ada@example.com' };
const bob = { id: 2, name: 'Bob', email: 'bob@example.com' };

describe('sync engine', () => {
  it('routes root rows, entity-column children and parent-routed children into one entity', async () => {
    temp = tempRuntime();
    const e = new EventBuilder();
    await sync([
      batch(
        e.create('customers', ada),
        e.create('orders', { id: 10, customer_id: 1, total: '12.5', status: 'new' }),
        e.create('order_items', { id: 100, order_id: 10, sku: 'A' }),
        e.create('shipments', { id: 1000, item_id: 100, carrier: 'post' }),
      ),
    ]);
    expect(await read('1')).toEqual({
      customers: ada,
      orders: [{ id: 10, customer_id: 1, total: '12.50', status: 'new' }],
      order_items: [{ id: 100, order_id: 10, sku: 'A' }],
      shipments: [{ id: 1000, item_id: 100, carrier: 'post' }],
    });
  });

  it('deletes child rows from a primary-key-only before image through the routing index', async () => {
    temp = tempRuntime();
    const e = new EventBuilder();
    await sync([
      batch(
        e.create('customers', ada),
        e.create('orders', { id: 10, customer_id: 1, total: '1', status: 'new' }),
        e.create('order_items', { id: 100, order_id: 10, sku: 'A' }),
      ),
      batch(e.delete('order_items', { id: 100 }), e.delete('orders', { id: 10 })),
    ]);
    const data = await read('1');
    expect(data?.orders).toEqual([]);
    expect(data?.order_items).toEqual([]);
  });

  it('moves a re-parented order with its items and shipments to the new entity, across restarts', async () => {
    temp = tempRuntime();
    const e = new EventBuilder();
    await sync([
      batch(
        e.create('customers', ada),
        e.create('customers', bob),
        e.create('orders', { id: 10, customer_id: 1, total: '1', status: 'new' }),
        e.create('order_items', { id: 100, order_id: 10, sku: 'A' }),
        e.create('shipments', { id: 1000, item_id: 100, carrier: 'post' }),
      ),
    ]);
    // A later run: the routing index must come from the store.
    const e2 = new EventBuilder();
    for (let i = 0; i < 5; i++) e2.event('r', 'customers', null, ada); // advance past the first run's positions
    await sync([batch(e2.update('orders', { id: 10, customer_id: 2, total: '1', status: 'moved' }))]);
    const first = await read('1');
    const second = await read('2');
    expect(first?.orders).toEqual([]);
    expect(first?.order_items).toEqual([]);
    expect(first?.shipments).toEqual([]);
    expect(second?.orders).toEqual([{ id: 10, customer_id: 2, total: '1.00', status: 'moved' }]);
    expect(second?.order_items).toEqual([{ id: 100, order_id: 10, sku: 'A' }]);
    expect(second?.shipments).toEqual([{ id: 1000, item_id: 100, carrier: 'post' }]);

    // The moved item is now routed to customer 2: its pk-only delete lands there.
    const e3 = new EventBuilder();
    for (let i = 0; i < 10; i++) e3.event('r', 'customers', null, ada);
    await sync([batch(e3.delete('shipments', { id: 1000 }))]);
    expect((await read('2'))?.shipments).toEqual([]);
  });

  it('keeps stored values for columns an update does not carry (unchanged TOAST)', async () => {
    temp = tempRuntime();
    const e = new EventBuilder();
    await sync([batch(e.create('customers', ada), e.update('customers', { id: 1, name: 'Ada L.' }))]);
    expect((await read('1'))?.customers).toEqual({ id: 1, name: 'Ada L.', email: 'ada@example.com' });
  });

  it('handles a primary-key change of a child row', async () => {
    temp = tempRuntime();
    const e = new EventBuilder();
    await sync([
      batch(
        e.create('customers', ada),
        e.create('orders', { id: 10, customer_id: 1, total: '3', status: 'new' }),
        e.update('orders', { id: 11, customer_id: 1, status: 'renumbered' }, { id: 10 }),
      ),
    ]);
    expect((await read('1'))?.orders).toEqual([
      { id: 11, customer_id: 1, total: '3.00', status: 'renumbered' },
    ]);
  });

  it('renames the entity when the root primary key changes, taking every row along', async () => {
    temp = tempRuntime();
    const e = new EventBuilder();
    await sync([
      batch(
        e.create('customers', ada),
        e.create('orders', { id: 10, customer_id: 1, total: '1', status: 'new' }),
        e.create('order_items', { id: 100, order_id: 10, sku: 'A' }),
        e.update('customers', { ...ada, id: 5 }, { id: 1 }),
      ),
    ]);
    expect(await read('1')).toBeUndefined();
    const renamed = await read('5');
    expect(renamed?.customers).toEqual({ ...ada, id: 5 });
    expect(renamed?.order_items).toEqual([{ id: 100, order_id: 10, sku: 'A' }]);
    // The cascaded child update that follows in the source finds its rows already there.
    const e2 = new EventBuilder();
    for (let i = 0; i < 10; i++) e2.event('r', 'customers', null, ada);
    await sync([batch(e2.update('orders', { id: 10, customer_id: 5, total: '1', status: 'new' }))]);
    expect((await read('5'))?.orders).toEqual([{ id: 10, customer_id: 5, total: '1.00', status: 'new' }]);
    expect((await read('5'))?.order_items).toEqual([{ id: 100, order_id: 10, sku: 'A' }]);
    expect(await withRuntime(async (r) => (await r.blobs.stats('shop')).entities)).toBe(1);
  });

  it('removes the entity on a root delete, and can create it again', async () => {
    temp = tempRuntime();
    const e = new EventBuilder();
    await sync([
      batch(
        e.create('customers', ada),
        e.create('orders', { id: 10, customer_id: 1, total: '3', status: 'new' }),
        e.delete('customers', { id: 1 }),
      ),
    ]);
    expect(await read('1')).toBeUndefined();
    expect(await withRuntime(async (r) => (await r.blobs.stats('shop')).entities)).toBe(0);
    const e2 = new EventBuilder();
    for (let i = 0; i < 5; i++) e2.event('r', 'customers', null, ada);
    await sync([batch(e2.create('customers', bob), e2.create('customers', { ...ada, name: 'Ada again' }))]);
    expect((await read('1'))?.customers).toEqual({ ...ada, name: 'Ada again' });
    expect((await read('1'))?.orders).toEqual([]);
  });

  it('parks a child that arrives before its parent and applies it when the parent comes', async () => {
    temp = tempRuntime();
    const e = new EventBuilder();
    await sync([
      batch(
        e.create('order_items', { id: 100, order_id: 10, sku: 'early' }),
        e.create('orders', { id: 10, customer_id: 1, total: '1', status: 'x' }),
      ),
    ]);
    // Both wait: the item for its order, the order for its customer. Parked events survive a restart.
    expect(await read('1')).toBeUndefined();
    const e2 = new EventBuilder();
    for (let i = 0; i < 5; i++) e2.event('r', 'customers', null, ada);
    await sync([batch(e2.create('customers', ada))]);
    const data = await read('1');
    expect(data?.orders).toEqual([{ id: 10, customer_id: 1, total: '1.00', status: 'x' }]);
    expect(data?.order_items).toEqual([{ id: 100, order_id: 10, sku: 'early' }]);
  });

  it('does not bring back a parked child row that was deleted before its parent arrived', async () => {
    temp = tempRuntime();
    const items = new EventBuilder('items');
    const parents = new EventBuilder('parents');
    const runtime = await temp.open();
    try {
      const { engine } = await openSync(runtime);
      const product = runtime.products.get('shop');
      // Two streams (as with one Kafka topic per table): the item's create and delete come first.
      const early = new MemoryConnector('items', [
        batch(
          items.create('order_items', { id: 100, order_id: 10, sku: 'gone' }),
          items.delete('order_items', { id: 100 }),
        ),
      ]);
      await engine.run([{ product, connector: early }], { follow: false });
      const late = new MemoryConnector('parents', [
        batch(
          parents.create('customers', ada),
          parents.create('orders', { id: 10, customer_id: 1, total: '1', status: 'x' }),
        ),
      ]);
      await engine.run([{ product, connector: late }], { follow: false });
    } finally {
      await runtime.close();
    }
    const data = await read('1');
    expect(data?.orders).toHaveLength(1);
    expect(data?.order_items).toEqual([]);
    expect(await withRuntime((r) => r.blobs.expiredParked(Number.MAX_SAFE_INTEGER))).toEqual([]);
  });

  it('dead-letters a child whose parent never arrives, once the wait runs out', async () => {
    temp = tempRuntime({ sync: { orphanWaitMs: 1 } });
    const e = new EventBuilder();
    await sync([batch(e.create('order_items', { id: 100, order_id: 99, sku: 'lost' }))]);
    await new Promise((r) => setTimeout(r, 10));
    const { deadLetters } = await sync([]); // a later commit finds the wait over
    expect(deadLetters).toBe(1);
    const letters = await withRuntime((r) => r.blobs.deadLetters(10));
    expect(letters.items.map((d) => d.code)).toEqual(['CELLAR_ERR_EVENT_ORPHAN']);
    expect(await withRuntime((r) => r.blobs.expiredParked(Number.MAX_SAFE_INTEGER))).toEqual([]);
  });

  it('empties a table in every entity on truncate', async () => {
    temp = tempRuntime();
    const e = new EventBuilder();
    await sync([
      batch(
        e.create('customers', ada),
        e.create('customers', bob),
        e.create('orders', { id: 10, customer_id: 1, total: '1', status: 'a' }),
        e.create('orders', { id: 20, customer_id: 2, total: '2', status: 'b' }),
      ),
    ]);
    const e2 = new EventBuilder();
    for (let i = 0; i < 5; i++) e2.event('r', 'customers', null, ada);
    await sync([
      batch(e2.truncate('orders'), e2.create('orders', { id: 30, customer_id: 2, total: '3', status: 'c' })),
    ]);
    expect((await read('1'))?.orders).toEqual([]);
    expect((await read('2'))?.orders).toEqual([{ id: 30, customer_id: 2, total: '3.00', status: 'c' }]);
    expect((await read('1'))?.customers).toEqual(ada);
  });

  it('applies nothing twice: re-delivered events leave entities and versions unchanged', async () => {
    temp = tempRuntime();
    const e = new EventBuilder();
    const events = [
      e.create('customers', ada),
      e.create('orders', { id: 10, customer_id: 1, total: '1', status: 'new' }),
      e.update('orders', { id: 10, customer_id: 1, total: '2', status: 'paid' }),
      e.create('order_items', { id: 100, order_id: 10, sku: 'A' }),
    ];
    await sync([batch(...events)]);
    const before = await withRuntime((r) => readEntity(r, 'shop', '1'));
    // A new run whose connector ignores the stored position and sends everything again.
    const runtime = await temp.open();
    try {
      const { engine } = await openSync(runtime);
      const replaying = new MemoryConnector('replay', [batch(...events)]);
      await engine.run([{ product: runtime.products.get('shop'), connector: replaying }], { follow: false });
      expect(engine.stats.replayed).toBe(events.length);
      expect(engine.stats.applied).toBe(0);
    } finally {
      await runtime.close();
    }
    const after = await withRuntime((r) => readEntity(r, 'shop', '1'));
    expect(after).toEqual(before);
  });

  it('sends bad events to the encrypted dead-letter store and goes on', async () => {
    temp = tempRuntime();
    const e = new EventBuilder();
    const { deadLetters } = await sync([
      {
        events: [
          e.create('nope', { id: 1 }),
          e.create('customers', { id: 'not-a-number', name: 'Mallory-Secret' }),
          e.create('customers', { name: 'no key' }),
          e.create('customers', ada),
        ],
        rejected: [e.rejected('{"broken json Mallory-Secret', 'unexpected end of JSON')],
      },
    ]);
    expect(deadLetters).toBe(4);
    expect((await read('1'))?.customers).toEqual(ada);
    const letters = await withRuntime((r) => r.blobs.deadLetters(10));
    expect(letters.items.map((d) => d.code).sort()).toEqual([
      'CELLAR_ERR_EVENT_DECODE',
      'CELLAR_ERR_EVENT_MISSING_KEY',
      'CELLAR_ERR_EVENT_TYPE',
      'CELLAR_ERR_EVENT_UNKNOWN_TABLE',
    ]);
    for (const letter of letters.items) {
      expect(Buffer.from(letter.payload).toString('latin1')).not.toContain('Mallory-Secret');
      expect(letter.reason).not.toContain('Mallory-Secret');
    }
  });

  it('stores positions with the data and resumes after them; acknowledges only after commit', async () => {
    temp = tempRuntime();
    const e = new EventBuilder();
    const first = await sync([batch(e.create('customers', ada)), batch(e.create('customers', bob))]);
    expect(first.connector.acknowledged.at(-1)?.get('test')).toBe('2');
    const second = await sync([batch(e.create('customers', { id: 3, name: 'Cy' }))]);
    expect(second.connector.resumedFrom).toBe('2');
    expect((await read('3'))?.customers).toMatchObject({ id: 3 });
  });

  it('writes no plaintext entity data to any file of the data directory', async () => {
    temp = tempRuntime();
    const e = new EventBuilder();
    await sync([
      batch(
        e.create('customers', { id: 7, name: 'Zebulon-Plaintext', email: 'zebulon@secret.example' }),
        e.create('orders', { id: 70, customer_id: 7, total: '1', status: 'Status-Plaintext' }),
      ),
    ]);
    const dataDir = join(temp.dir, 'data');
    const files = readdirSync(dataDir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile());
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const bytes = readFileSync(join(file.parentPath, file.name)).toString('latin1');
      for (const secret of ['Zebulon-Plaintext', 'zebulon@secret.example', 'Status-Plaintext']) {
        expect(bytes.includes(secret), `${file.name} contains ${secret}`).toBe(false);
      }
    }
  });
});
