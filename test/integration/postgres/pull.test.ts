import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerBackfillCommands } from '../../../src/cli/backfill.js';
import type { Connector, ConnectorContext } from '../../../src/connectors/connector.js';
import { MemoryConnector } from '../../../src/connectors/memory/memory-connector.js';
import { BackfillConnector } from '../../../src/connectors/postgres-pull/backfill-connector.js';
import { PostgresPullSource } from '../../../src/connectors/postgres-pull/pull-source.js';
import type { Product, SourceDef } from '../../../src/product/types.js';
import { openSync } from '../../../src/runtime/open-sync.js';
import type { ChangeBatch } from '../../../src/sync/change-event.js';
import { dumpEntities } from '../../support/dump-entities.js';
import { type TempRuntime, tempRuntime } from '../../support/temp-runtime.js';
import { syncOnce, withRuntime } from './support/cdc-runtime.js';
import { SHOP_SOURCE_DDL, type SourceDb, shopSpec, sourceDb } from './support/source-db.js';

const temps: TempRuntime[] = [];
const sources: PostgresPullSource[] = [];
afterEach(async () => {
  for (const t of temps.splice(0)) t.cleanup();
  for (const s of sources.splice(0)) await s.close();
  vi.restoreAllMocks();
});

function pullSourceYaml(db: SourceDb): string {
  return `  pull:
    type: postgres-pull
    url: ${JSON.stringify(db.url)}
    concurrency: 2
    sync: { mode: on-demand, ttl: 5m }
    tables: { public.customers: customers, public.orders: orders, public.order_items: order_items, public.shipments: shipments }`;
}

function runtimeFor(db: SourceDb): TempRuntime {
  const t = tempRuntime({ spec: shopSpec(db.url, { slot: db.name }, pullSourceYaml(db)) });
  temps.push(t);
  return t;
}

async function seed(db: SourceDb, customers: number): Promise<void> {
  await db.sql(SHOP_SOURCE_DDL);
  await db.sql(`
    insert into customers (id, name, email) select g, 'c' || g, 'c' || g || '@example.com' from generate_series(1, ${customers}) g;
    insert into orders select g * 10 + k, g, (g * 1.25 + k)::numeric(12,2), 'new' from generate_series(1, ${customers}) g, generate_series(0, 2) k;
    insert into order_items select o.id * 10 + k, o.id, 'sku' || k from orders o, generate_series(0, 1) k;
    insert into shipments select i.id * 10, i.id, 'ups' from order_items i where i.id % 2 = 0;`);
}

async function applyBatch(t: TempRuntime, stream: string, batch: ChangeBatch): Promise<void> {
  await withRuntime(t, async (runtime) => {
    const { engine } = await openSync(runtime);
    await engine.run(
      [{ product: runtime.products.get('shop'), connector: new MemoryConnector(stream, [batch]) }],
      { follow: false },
    );
  });
}

async function entities(t: TempRuntime): Promise<Map<string, unknown>> {
  return withRuntime(t, (runtime) => dumpEntities(runtime, 'shop'));
}

function source(t: TempRuntime, name: string): Promise<{ product: Product; def: SourceDef }> {
  return withRuntime(t, async (runtime) => {
    const product = runtime.products.get('shop');
    return { product, def: product.sources.find((s) => s.name === name) as SourceDef };
  });
}

describe('postgres-pull', () => {
  it('builds one entity from the source tables: root by id, children by entity, grandchildren through parents', async () => {
    const db = await sourceDb('pull_entity');
    await seed(db, 3);
    const t = runtimeFor(db);
    const { product, def } = await source(t, 'pull');
    const pull = new PostgresPullSource(product, def);
    sources.push(pull);
    expect(pull.policy).toEqual({ mode: 'on-demand', ttlMs: 300_000 });

    const { entity, batch } = await pull.pullEntity('2');
    expect(entity.found).toBe(true);
    expect(entity.rows.get('customers')).toEqual([
      { id: '2', name: 'c2', email: 'c2@example.com', note: null },
    ]);
    expect(entity.rows.get('orders')?.map((r) => r.id)).toEqual(['20', '21', '22']);
    expect(entity.rows.get('order_items')?.length).toBe(6);
    expect(entity.rows.get('shipments')?.length).toBe(3);
    expect(batch.events.map((e) => e.table)).toEqual([
      'customers',
      ...Array(3).fill('orders'),
      ...Array(6).fill('order_items'),
      ...Array(3).fill('shipments'),
    ]);
    expect(
      batch.events.every(
        (e) => e.op === 'r' && e.position.stream === 'shop/pull' && /^pull:[0-9]+$/.test(e.position.token),
      ),
    ).toBe(true);
    const orders = batch.events.map((e) => e.position.order);
    expect(orders.every((o, i) => i === 0 || o > (orders[i - 1] as bigint))).toBe(true);

    await applyBatch(t, 'shop/pull', batch);
    await syncOnce(t); // the CDC source builds the same entity its own way
    const cdc = (await entities(t)).get('2');
    const other = runtimeFor(db);
    await applyBatch(other, 'shop/pull', (await pull.pullEntity('2')).batch);
    expect((await entities(other)).get('2')).toEqual(cdc);
  });

  it('deletes what the entity holds and the source lost, and removes an entity the source no longer has', async () => {
    const db = await sourceDb('pull_stale');
    await seed(db, 1);
    const t = runtimeFor(db);
    const { product, def } = await source(t, 'pull');
    const pull = new PostgresPullSource(product, def);
    sources.push(pull);
    const current = new Map([
      ['orders', [['10'], ['99']]],
      ['order_items', [['100'], ['999']]],
    ]);
    const { batch } = await pull.pullEntity('1', current);
    expect(batch.events.slice(0, 2).map(({ op, table, before }) => ({ op, table, before }))).toEqual([
      { op: 'd', table: 'order_items', before: { id: '999' } },
      { op: 'd', table: 'orders', before: { id: '99' } },
    ]);
    expect(batch.events.slice(2).every((e) => e.op === 'r')).toBe(true);

    const gone = await pull.pullEntity('42');
    expect(gone.entity.found).toBe(false);
    expect(gone.batch.events.map(({ op, table, before }) => ({ op, table, before }))).toEqual([
      { op: 'd', table: 'customers', before: { id: '42' } },
    ]);
  });

  it('backfills every entity, resumes after an interruption, and ends equal to change-data-capture', async () => {
    const db = await sourceDb('pull_backfill');
    await seed(db, 40);
    const cdc = runtimeFor(db);
    await syncOnce(cdc);

    const t = runtimeFor(db);
    const runtime = await t.open();
    try {
      const product = runtime.products.get('shop');
      const backfill = new BackfillConnector(
        product,
        product.sources.find((s) => s.name === 'pull') as SourceDef,
      );
      const stop = new AbortController();
      let deliveries = 0;
      const interrupted: Connector = {
        name: backfill.name,
        acknowledge: (p) => backfill.acknowledge(p),
        stop: () => backfill.stop(),
        start: (ctx: ConnectorContext) =>
          backfill.start({
            ...ctx,
            deliver: async (b) => {
              await ctx.deliver(b);
              if (++deliveries === 3) stop.abort();
            },
          }),
      };
      const { engine } = await openSync(runtime);
      await engine.run([{ product, connector: interrupted }], { follow: false, signal: stop.signal });
      expect(engine.committedPositions().get('shop/pull/backfill')).toBe('backfill-after:6');
    } finally {
      await runtime.close();
    }
    expect((await entities(t)).size).toBe(6);

    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    const program = new Command().exitOverride();
    registerBackfillCommands(program);
    const signals = ['SIGINT', 'SIGTERM'] as const;
    const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))] as const));
    try {
      await program.parseAsync(['backfill', 'shop', '--source', 'pull', '--config', t.configFile], {
        from: 'user',
      });
    } finally {
      vi.restoreAllMocks();
      // The command installs Ctrl-C handlers for its process; this test's process keeps its own.
      for (const s of signals)
        for (const l of process.listeners(s)) if (!before.get(s)?.has(l)) process.off(s, l);
    }
    expect(lines.join('')).toMatch(/^done: 34 entities pulled; /);
    expect(await withRuntime(t, async (r) => (await r.blobs.positions()).get('shop/pull/backfill'))).toBe(
      'backfill-done',
    );
    expect(await entities(t)).toEqual(await entities(cdc));
  });
});
