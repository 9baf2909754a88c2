import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { batch, EventBuilder, MemoryConnector } from '../../../src/connectors/memory/memory-connector.js';
import { isCellarError } from '../../../src/errors.js';
import { openSync } from '../../../src/runtime/open-sync.js';
import type { Runtime } from '../../../src/runtime/runtime.js';
import { SqliteBlobStore } from '../../../src/store/sqlite/blob-store.js';
import { dumpEntities } from '../../support/dump-entities.js';
import { SHOP_SPEC, type TempRuntime, tempRuntime } from '../../support/temp-runtime.js';

/** The shop spec, version 1.1.0: customers gain `phone`, orders lose `status`, a `notes` table, no shipments. */
const SHOP_V2 = SHOP_SPEC.replace('version: 1.0.0', 'version: 1.1.0')
  .replace(
    '      email: { type: text, pii: true, mask: { default: email } }',
    '      email: { type: text, pii: true, mask: { default: email } }\n      phone: { type: text, pii: true }',
  )
  .replace('      status: { type: text }\n', '')
  .replace(/ {2}shipments:[\s\S]*?carrier: \{ type: text \}\n/, '')
  .replace(
    'access:',
    'notes:\n    primaryKey: [id]\n    entityId: customer_id\n    columns: { id: {type: integer}, customer_id: {type: integer}, body: {type: text} }\naccess:',
  )
  .replace('notes:\n', '  notes:\n');

let temp: TempRuntime | undefined;
afterEach(() => temp?.cleanup());

/** Syncs events of one EventBuilder (a memory connector's stream is its name). */
async function sync(runtime: Runtime, events: ReturnType<EventBuilder['create']>[]): Promise<void> {
  const { engine } = await openSync(runtime);
  const stream = events[0]?.position.stream ?? 'test';
  await engine.run(
    [{ product: runtime.products.get('shop'), connector: new MemoryConnector(stream, [batch(...events)]) }],
    { follow: false },
  );
}

async function withRuntime<T>(t: TempRuntime, fn: (runtime: Runtime) => Promise<T>): Promise<T> {
  const runtime = await t.open();
  try {
    return await fn(runtime);
  } finally {
    await runtime.close();
  }
}

async function populated(): Promise<TempRuntime> {
  const t = tempRuntime();
  const e = new EventBuilder();
  await withRuntime(t, (runtime) =>
    sync(runtime, [
      e.create('customers', { id: 1, name: 'Ada', email: 'ada@example.com' }),
      e.create('orders', { id: 10, customer_id: 1, total: '12.50', status: 'paid' }),
      e.create('order_items', { id: 100, order_id: 10, sku: 'A-1' }),
      e.create('shipments', { id: 1000, item_id: 100, carrier: 'post' }),
      e.create('customers', { id: 2, name: 'Grace', email: 'grace@example.com' }),
    ]),
  );
  return t;
}

const writeSpec = (t: TempRuntime, spec: string) => writeFileSync(join(t.dir, 'products', 'shop.yaml'), spec);

describe('a spec change', () => {
  it('migrates stored entities: added tables and columns appear empty, removed ones are gone', async () => {
    temp = await populated();
    writeSpec(temp, SHOP_V2);
    const state = await withRuntime(temp, (runtime) => dumpEntities(runtime, 'shop'));
    expect(state.get('1')).toEqual({
      customers: { id: 1, name: 'Ada', email: 'ada@example.com', phone: null },
      orders: [{ id: 10, customer_id: 1, total: '12.50' }],
      order_items: [{ id: 100, order_id: 10, sku: 'A-1' }],
      notes: [],
    });
    expect(state.get('2')).toMatchObject({ customers: { id: 2, phone: null }, orders: [], notes: [] });
  });

  it('takes new changes into migrated entities, which then stay in the new layout', async () => {
    temp = await populated();
    writeSpec(temp, SHOP_V2);
    const e = new EventBuilder('after');
    await withRuntime(temp, (runtime) =>
      sync(runtime, [
        e.update('customers', { id: 1, name: 'Ada', email: 'ada@example.com', phone: '+44 1' }),
        e.create('notes', { id: 5, customer_id: 1, body: 'called' }),
      ]),
    );
    const state = await withRuntime(temp, (runtime) => dumpEntities(runtime, 'shop'));
    expect(state.get('1')).toMatchObject({
      customers: { phone: '+44 1' },
      notes: [{ id: 5, customer_id: 1, body: 'called' }],
    });
  });

  it('refuses at start a change stored entities cannot follow, naming it; accepts it once none is stored', async () => {
    temp = await populated();
    const retyped = SHOP_SPEC.replace('version: 1.0.0', 'version: 2.0.0').replace(
      '      status: { type: text }',
      '      status: { type: integer }',
    );
    writeSpec(temp, retyped);
    const error = await temp.open().then(
      async (runtime) => {
        await runtime.close();
        return undefined;
      },
      (err: unknown) => err,
    );
    expect(isCellarError(error, 'CELLAR_ERR_PRODUCT_MIGRATION')).toBe(true);
    expect((error as Error).message).toBe(
      'product shop: 2 stored entities were written under version 1.0.0, and the spec changed in ways they cannot follow: column orders.status changed type from text to integer',
    );
    // The refused spec's template is not recorded: only the first spec's is.
    const store = SqliteBlobStore.open(join(temp.dir, 'data', 'cellar.db'));
    expect((await store.templates('shop')).length).toBe(1);
    await store.close();

    // Back to the first spec: the entities are deleted, then the change is accepted.
    writeSpec(temp, SHOP_SPEC);
    const e = new EventBuilder('delete');
    await withRuntime(temp, (runtime) =>
      sync(runtime, [e.delete('customers', { id: 1 }), e.delete('customers', { id: 2 })]),
    );
    writeSpec(temp, retyped);
    const state = await withRuntime(temp, (runtime) => dumpEntities(runtime, 'shop'));
    expect(state.size).toBe(0);
  });
});
