import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerSourceCommands } from '../../../src/cli/source.js';
import type { Connector, ConnectorContext } from '../../../src/connectors/connector.js';
import type { PostgresCdcConnector } from '../../../src/connectors/postgres-cdc/postgres-cdc-connector.js';
import { openSync } from '../../../src/runtime/open-sync.js';
import { dumpEntities } from '../../support/dump-entities.js';
import { type TempRuntime, tempRuntime } from '../../support/temp-runtime.js';
import { syncOnce, withRuntime } from './support/cdc-runtime.js';
import { SHOP_SOURCE_DDL, type SourceDb, shopSpec, sourceDb } from './support/source-db.js';

const STREAM = 'shop/crm';
let temp: TempRuntime | undefined;
afterEach(() => {
  temp?.cleanup();
  temp = undefined;
  vi.restoreAllMocks();
});

function runtimeFor(db: SourceDb, options: Record<string, unknown> = {}): TempRuntime {
  temp = tempRuntime({ spec: shopSpec(db.url, { slot: db.name, ...options }) });
  return temp;
}

async function entities(t: TempRuntime): Promise<Map<string, unknown>> {
  return withRuntime(t, (runtime) => dumpEntities(runtime, 'shop'));
}

async function storedPosition(t: TempRuntime): Promise<string | undefined> {
  return withRuntime(t, async (runtime) => (await runtime.blobs.positions()).get(STREAM));
}

describe('postgres-cdc into micro-databases', () => {
  it('applies streamed changes and resumes after a restart without replaying anything', async () => {
    const db = await sourceDb('cdc_engine');
    await db.sql(SHOP_SOURCE_DDL);
    const big = randomBytes(30_000).toString('hex');
    await db.sql(
      `insert into customers (id, name, note) values (1, 'Ada', $1), (2, 'Bob', null);
       insert into orders values (10, 1, 5.00, 'new'), (20, 2, 7.25, 'new');
       insert into order_items values (100, 10, 'pen', 1), (200, 20, 'ink', 1);
       insert into shipments values (1000, 100, 'ups'), (2000, 200, 'dhl');`.replace('$1', `'${big}'`),
    );
    const t = runtimeFor(db);
    const first = await syncOnce(t);
    expect(first.applied).toBe(8);

    await db.sql(`
      update customers set name = 'Ada L.' where id = 1;            -- note: unchanged TOAST value
      update orders set id = 11 where id = 10;                      -- primary-key change of a child
      update order_items set order_id = 11 where id = 100;
      update orders set customer_id = 1 where id = 20;              -- an order moves to Ada, with its items
      truncate shipments;
      insert into customers (id, name) values (3, 'Cy');`);
    const second = await syncOnce(t);
    expect(second.applied, 'only the new changes').toBeGreaterThanOrEqual(6);
    expect(second.replayed).toBe(0);

    const all = await entities(t);
    expect([...all.keys()]).toEqual(['1', '2', '3']);
    expect(all.get('1')).toEqual({
      customers: { id: 1, name: 'Ada L.', email: null, note: big },
      orders: [
        { id: 11, customer_id: 1, total: '5.00', status: 'new' },
        { id: 20, customer_id: 1, total: '7.25', status: 'new' },
      ],
      order_items: [
        { id: 100, order_id: 11, sku: 'pen' },
        { id: 200, order_id: 20, sku: 'ink' },
      ],
      shipments: [],
    });
    expect(all.get('2')).toEqual({
      customers: { id: 2, name: 'Bob', email: null, note: null },
      orders: [],
      order_items: [],
      shipments: [],
    });

    const third = await syncOnce(t);
    expect(third.applied + third.replayed, 'a third run finds nothing new').toBe(0);
  });

  it('redoes an interrupted snapshot in a new slot, and rows deleted meanwhile do not linger', async () => {
    const db = await sourceDb('cdc_interrupt');
    await db.sql(SHOP_SOURCE_DDL);
    await db.sql(`insert into customers (id, name) select g, 'c' || g from generate_series(1, 300) g`);
    const t = runtimeFor(db, { batchSize: 10 });

    const runtime = await t.open();
    try {
      const { engine, sources } = await openSync(runtime);
      const stop = new AbortController();
      const inner = sources[0]?.connector as Connector;
      let deliveries = 0;
      const interrupted: Connector = {
        name: inner.name,
        acknowledge: (p) => inner.acknowledge(p),
        stop: () => inner.stop(),
        start: (ctx: ConnectorContext) =>
          inner.start({
            ...ctx,
            deliver: async (batch) => {
              await ctx.deliver(batch);
              if (++deliveries === 5) stop.abort();
            },
          }),
      };
      await engine.run([{ product: runtime.products.get('shop'), connector: interrupted }], {
        follow: true,
        signal: stop.signal,
      });
    } finally {
      await runtime.close();
    }
    expect(await storedPosition(t)).toBe('snapshot:50');
    expect((await entities(t)).size).toBe(50);

    await db.sql(
      `delete from customers where id in (1, 2); insert into customers (id, name) values (301, 'new')`,
    );
    await syncOnce(t);
    const all = await entities(t);
    expect(all.size).toBe(299);
    expect(all.has('1') || all.has('2'), 'deleted while the snapshot was unfinished').toBe(false);
    expect(all.get('301')).toMatchObject({ customers: { id: 301, name: 'new' } });
    expect(await storedPosition(t)).toMatch(/^snapshot-done:/);
  });

  it('retries a snapshot whose connection dropped, in a new slot, and ends complete', async () => {
    const db = await sourceDb('cdc_snapretry');
    await db.sql(SHOP_SOURCE_DDL);
    await db.sql(`insert into customers (id, name) select g, 'c' || g from generate_series(1, 1000) g`);
    const t = runtimeFor(db, { batchSize: 10, reconnectMinMs: 20 });
    const runtime = await t.open();
    let reconnects = 0;
    try {
      const { engine, sources } = await openSync(runtime);
      const inner = sources[0]?.connector as PostgresCdcConnector;
      let deliveries = 0;
      const flaky: Connector = {
        name: inner.name,
        acknowledge: (p) => inner.acknowledge(p),
        stop: () => inner.stop(),
        start: (ctx: ConnectorContext) =>
          inner.start({
            ...ctx,
            deliver: async (batch) => {
              await ctx.deliver(batch);
              if (++deliveries === 5) {
                await db.sql(
                  `select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and query like 'fetch%'`,
                  [db.name],
                );
              }
            },
          }),
      };
      await engine.run([{ product: runtime.products.get('shop'), connector: flaky }], { follow: false });
      reconnects = inner.metrics.reconnects;
      expect(engine.committedPositions().get(STREAM)).toMatch(/^snapshot-done:/);
    } finally {
      await runtime.close();
    }
    expect(reconnects).toBeGreaterThanOrEqual(1);
    expect((await entities(t)).size).toBe(1000);
  });

  it('drop-slot removes the slot and publication; the next sync snapshots afresh', async () => {
    const db = await sourceDb('cdc_dropslot');
    await db.sql(SHOP_SOURCE_DDL);
    await db.sql(`insert into customers (id, name) values (1, 'a'), (2, 'b')`);
    const t = runtimeFor(db);
    await syncOnce(t);
    await db.sql(`insert into customers (id, name) values (3, 'c')`);
    await syncOnce(t);
    expect(await storedPosition(t)).toMatch(/^lsn:/);

    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk).trimEnd());
      return true;
    });
    const program = new Command().exitOverride();
    registerSourceCommands(program);
    await program.parseAsync(['source', 'drop-slot', 'shop', 'crm', '--config', t.configFile], {
      from: 'user',
    });
    vi.restoreAllMocks();
    expect(lines).toEqual([
      `slot ${db.name}: dropped`,
      `publication ${db.name}: dropped`,
      'the next sync of this source takes a new snapshot',
    ]);
    expect(await db.sql('select 1 from pg_replication_slots where slot_name = $1', [db.name])).toEqual([]);
    expect(await db.sql('select 1 from pg_publication where pubname = $1', [db.name])).toEqual([]);

    await db.sql(`delete from customers where id = 2; update customers set name = 'A' where id = 1`);
    await syncOnce(t);
    const all = await entities(t);
    expect([...all.keys()]).toEqual(['1', '3']);
    expect(all.get('1')).toMatchObject({ customers: { name: 'A' } });
    expect(await storedPosition(t)).toMatch(/^snapshot-done:/);
  });
});
