import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { PostgresCdcConnector } from '../../../src/connectors/postgres-cdc/postgres-cdc-connector.js';
import { isCellarError } from '../../../src/errors.js';
import type { ChangeEvent } from '../../../src/sync/change-event.js';
import { Collector } from './support/collect.js';
import { eventually, SHOP_SOURCE_DDL, shopConnector, sourceDb } from './support/source-db.js';

const STREAM = 'shop/crm';
let collector: Collector<PostgresCdcConnector> | undefined;
afterEach(async () => {
  await collector?.stop();
  collector = undefined;
});

/** A collector following the shop source of `db` from the start. */
async function follow(
  db: Awaited<ReturnType<typeof sourceDb>>,
  options: Record<string, unknown> = {},
): Promise<Collector<PostgresCdcConnector>> {
  collector = new Collector(shopConnector(db, options));
  void collector.start(true).catch(() => undefined);
  return collector;
}

function streamed(c: Collector<PostgresCdcConnector>): ChangeEvent[] {
  return c.events.filter((e) => e.position.token.startsWith('lsn:'));
}

describe('postgres-cdc changes', () => {
  it('meets the snapshot and the stream with no gap and no duplicate while writes go on', async () => {
    const db = await sourceDb('cdc_nogap');
    await db.sql(SHOP_SOURCE_DDL);
    const writer = await db.client();
    let next = 1;
    let writing = true;
    const writes = (async () => {
      while (writing) {
        await writer.query('insert into customers (id, name) values ($1, $2)', [next, `c${next}`]);
        next += 1;
      }
    })();
    await eventually('a first batch of rows', () => next > 200);
    const c = await follow(db, { batchSize: 50 });
    await eventually('the snapshot', () =>
      c.events.some((e) => e.position.token.startsWith('snapshot-done:')),
    );
    const atSnapshot = next;
    await eventually('writes after the snapshot', () => next > atSnapshot + 200);
    writing = false;
    await writes;
    await writer.end();
    const last = next - 1;
    await eventually('every row', () => c.events.length >= last);

    const ids = c.events.map((e) => Number(e.after?.id));
    expect(new Set(ids).size, 'no duplicate').toBe(ids.length);
    expect(ids.length).toBe(last);
    expect(Math.max(...ids)).toBe(last);
    const snapshot = c.events.filter((e) => e.op === 'r');
    expect(snapshot.length).toBeGreaterThan(0);
    expect(streamed(c).length, 'rows committed during and after the snapshot are streamed').toBeGreaterThan(
      0,
    );
    expect(snapshot.length + streamed(c).length).toBe(last);
    const orders = c.events.map((e) => e.position.order);
    orders.forEach((o, i) => {
      if (i > 0) expect(o > (orders[i - 1] as bigint), `order ${i} increases`).toBe(true);
    });
    expect(c.batches.every((b) => b.events.length <= 50)).toBe(true);
  });

  it('maps inserts, updates and deletes under REPLICA IDENTITY DEFAULT and FULL', async () => {
    const db = await sourceDb('cdc_identity');
    await db.sql(SHOP_SOURCE_DDL);
    await db.sql(
      `insert into customers (id, name) values (1, 'Ada'); insert into orders values (10, 1, 9.99, 'new')`,
    );
    const c = await follow(db);
    await eventually('the snapshot', () => c.events.length === 2);
    await db.sql(`update orders set status = 'paid' where id = 10`);
    await db.sql('delete from orders where id = 10');
    await db.sql(`alter table orders replica identity full; insert into orders values (11, 1, 1.50, 'new')`);
    await db.sql(`update orders set status = 'paid' where id = 11`);
    await db.sql('delete from orders where id = 11');
    await eventually('six changes', () => streamed(c).length === 5);
    const [upd, del, ins, updFull, delFull] = streamed(c).map(
      ({ op, table, before, after, hints, txId }) => ({
        op,
        table,
        before,
        after,
        hints,
        txId,
      }),
    );
    expect(upd).toMatchObject({
      op: 'u',
      table: 'orders',
      before: null,
      after: { id: '10', customer_id: '1', total: '9.99', status: 'paid' },
    });
    expect(upd?.hints).toEqual({
      id: { pgType: 'int8' },
      customer_id: { pgType: 'int8' },
      total: { pgType: 'numeric' },
      status: { pgType: 'text' },
    });
    expect(upd?.txId).toMatch(/^[0-9]+$/);
    expect(del).toMatchObject({ op: 'd', before: { id: '10' }, after: null });
    expect(Object.keys(del?.before ?? {}), 'DEFAULT identity: the old key only').toEqual(['id']);
    expect(ins).toMatchObject({ op: 'c', before: null, after: { id: '11', status: 'new' } });
    expect(updFull).toMatchObject({
      op: 'u',
      before: { id: '11', customer_id: '1', total: '1.50', status: 'new' },
      after: { id: '11', status: 'paid' },
    });
    expect(delFull).toMatchObject({
      op: 'd',
      before: { id: '11', customer_id: '1', total: '1.50', status: 'paid' },
      after: null,
    });
  });

  it('carries the old key when a primary key changes', async () => {
    const db = await sourceDb('cdc_pk');
    await db.sql(SHOP_SOURCE_DDL);
    await db.sql(`insert into customers (id, name) values (1, 'Ada')`);
    const c = await follow(db);
    await eventually('the snapshot', () => c.events.length === 1);
    await db.sql('update customers set id = 100 where id = 1');
    await eventually('the update', () => streamed(c).length === 1);
    expect(streamed(c)[0]).toMatchObject({
      op: 'u',
      table: 'customers',
      before: { id: '1' },
      after: { id: '100', name: 'Ada' },
    });
  });

  it('leaves out an unchanged TOAST value instead of sending a placeholder', async () => {
    const db = await sourceDb('cdc_toast');
    await db.sql(SHOP_SOURCE_DDL);
    const big = randomBytes(40_000).toString('hex'); // incompressible: stored out of line
    await db.sql(`insert into customers (id, name, note) values (1, 'Ada', $1)`, [big]);
    const c = await follow(db);
    await eventually('the snapshot', () => c.events.length === 1);
    expect(c.events[0]?.after?.note).toBe(big);
    await db.sql(`update customers set name = 'Ada L.' where id = 1`);
    await db.sql(`update customers set note = 'short' where id = 1`);
    await eventually('two updates', () => streamed(c).length === 2);
    const [nameOnly, noteToo] = streamed(c);
    expect(nameOnly?.after).toEqual({ id: '1', name: 'Ada L.', email: null });
    expect(Object.hasOwn(nameOnly?.after ?? {}, 'note'), 'the unchanged TOAST column is absent').toBe(false);
    expect(noteToo?.after).toMatchObject({ note: 'short' });
  });

  it('maps a truncate of a source table to a truncate event', async () => {
    const db = await sourceDb('cdc_truncate');
    await db.sql(SHOP_SOURCE_DDL);
    await db.sql(
      `insert into customers (id) values (1); insert into orders values (10, 1, 1, 'x'); insert into order_items values (100, 10, 'sku', 1)`,
    );
    const c = await follow(db);
    await eventually('the snapshot', () => c.events.length === 3);
    await db.sql('truncate order_items');
    await eventually('the truncate', () => streamed(c).length === 1);
    expect(streamed(c)[0]).toMatchObject({ op: 't', table: 'order_items', before: null, after: null });
  });

  it('ignores tables and columns the spec does not map, even when the publication has them', async () => {
    const db = await sourceDb('cdc_ignore');
    await db.sql(SHOP_SOURCE_DDL);
    await db.sql('create publication everything for all tables');
    const c = await follow(db, { publication: 'everything' });
    await eventually('the stream to start', () => c.connector.metrics.phase === 'streaming');
    await db.sql(
      `begin; insert into audit_trail (what) values ('x'); insert into customers (id, name) values (7, 'Grace'); insert into audit_trail (what) values ('y'); commit`,
    );
    await eventually('the customer', () => streamed(c).length === 1);
    await db.sql(`insert into audit_trail (what) values ('z'); insert into customers (id) values (8)`);
    await eventually('the next customer', () => streamed(c).length === 2);
    expect(streamed(c).map((e) => e.table)).toEqual(['customers', 'customers']);
    expect(streamed(c)[0]?.after).toEqual({ id: '7', name: 'Grace', email: null, note: null });
    expect(Object.hasOwn(streamed(c)[0]?.after ?? {}, 'created_at')).toBe(false);
  });

  it('refuses to start when a product column is missing from its source table, naming both', async () => {
    const db = await sourceDb('cdc_missing');
    await db.sql(SHOP_SOURCE_DDL);
    await db.sql('alter table orders drop column status');
    const c = new Collector(shopConnector(db));
    const err = await c.start(false).then(
      () => undefined,
      (e: unknown) => e,
    );
    await c.connector.stop();
    expect(isCellarError(err, 'CELLAR_ERR_SOURCE_CONFIG'), String(err)).toBe(true);
    expect((err as Error).message).toContain('public.orders');
    expect((err as Error).message).toContain('status');
    expect(c.events).toEqual([]);
  });

  it('reports its slot position, throughput and lag', async () => {
    const db = await sourceDb('cdc_metrics');
    await db.sql(SHOP_SOURCE_DDL);
    const c = await follow(db);
    await eventually('the stream to start', () => c.connector.metrics.phase === 'streaming');
    await db.sql(`insert into customers (id) select g from generate_series(1, 20) g`);
    await eventually('the rows', () => streamed(c).length === 20);
    const before = c.connector.metrics;
    expect(before.eventsTotal).toBe(20);
    expect(before.eventsPerSecond).toBeGreaterThan(0);
    expect(before.lagSeconds, 'a delivered, unacknowledged transaction is waiting').toBeGreaterThanOrEqual(0);
    await c.acknowledgeAll(STREAM);
    const after = c.connector.metrics;
    expect(after.slotLsn).toMatch(/^[0-9A-F]+\/[0-9A-F]{8}$/);
    expect(after.lagSeconds).toBe(0);
  });
});
