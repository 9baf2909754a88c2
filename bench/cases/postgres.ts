/**
 * PostgreSQL change-data-capture, end to end: transactions committed in PostgreSQL → pgoutput →
 * postgres-cdc → engine → encrypted blobs durable in the store (and the slot acknowledged).
 *
 * - `burst`: 200 transactions of 50 new customers each, every customer with 2 orders of 2 items
 *   (350 rows a transaction, 70,000 events), committed while no sync runs (the slot keeps the
 *   WAL); then one `cellar sync`-like run drains them: events/s from its start until every change
 *   is durable and the slot confirmed (start-up and slot connection included).
 * - `steady`: 150 transactions/s, each one customer with 2 orders of 2 items (7 rows), for 10 s
 *   while sync follows; for every transaction, the time from its COMMIT returning to its changes
 *   being durable (lag), p50/p99.
 *
 * The writer commits with `synchronous_commit = on` (the test server's default is off, which lets
 * WAL reach the WAL sender only every `wal_writer_delay`, 200 ms, and would measure that).
 * Reference: the burst's commit rate alone, same run (what the source does on this machine).
 * Uses a throwaway PostgreSQL (or DATABASE_URL), like the integration tests.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { loadConfig } from '../../src/config/load-config.js';
import type { Connector } from '../../src/connectors/connector.js';
import { parseCdcToken } from '../../src/connectors/postgres-cdc/cdc-position.js';
import { createPostgresCdcConnector } from '../../src/connectors/postgres-cdc/postgres-cdc-connector.js';
import type { SourceDef } from '../../src/product/types.js';
import { openSync } from '../../src/runtime/open-sync.js';
import { openRuntime } from '../../src/runtime/runtime.js';
import { createDatabase } from '../../test/integration/harness/create-database.js';
import { startPostgres } from '../../test/integration/harness/postgres.js';
import { report, summarize } from '../support/stats.js';

const BURST_TX = 200;
const BURST_CUSTOMERS_PER_TX = 50;
const STEADY_TX_PER_SEC = 150;
const STEADY_SECONDS = 10;
const ROWS_PER_TX = 7;
const STREAM = 'bench/crm';

const DDL = `
create table customers (id bigint primary key, first_name text, last_name text, email text, created_at timestamp);
create table orders (id bigint primary key, customer_id bigint not null, total numeric(12,2), status text);
create table order_items (id bigint primary key, order_id bigint not null, sku text, qty int);`;

function spec(url: string): string {
  return `
product: bench
version: 1.0.0
title: CDC bench
owner: bench
description: customers with orders and items, fed by postgres-cdc
entity: { name: customer }
tables:
  customers:
    root: true
    primaryKey: [id]
    entityId: id
    columns: { id: {type: integer}, first_name: {type: text, pii: true}, last_name: {type: text, pii: true}, email: {type: text, pii: true}, created_at: {type: timestamp} }
  orders:
    primaryKey: [id]
    entityId: customer_id
    columns: { id: {type: integer}, customer_id: {type: integer}, total: {type: decimal, scale: 2}, status: {type: text} }
  order_items:
    primaryKey: [id]
    parent: { table: orders, key: order_id }
    columns: { id: {type: integer}, order_id: {type: integer}, sku: {type: text}, qty: {type: integer} }
sources:
  crm: { type: postgres-cdc, url: ${JSON.stringify(url)}, tables: { public.customers: customers, public.orders: orders, public.order_items: order_items } }
access:
  support: { read: true }
`;
}

/** One burst transaction: `n` customers from `first` on, each with 2 orders of 2 items. Returns its transaction id. */
async function burstTx(client: pg.Client, first: number, n: number): Promise<string> {
  await client.query('begin');
  const { rows } = await client.query<{ xid: string }>('select (txid_current() % 4294967296)::text as xid');
  const ids = 'generate_series($1::bigint, $2::bigint)';
  const last = first + n - 1;
  await client.query(
    `insert into customers select g, 'First' || g, 'Last' || g, 'u' || g || '@example.com', now() from ${ids} g`,
    [first, last],
  );
  await client.query(
    `insert into orders select g * 10 + o, g, 19.99, 'new' from ${ids} g, generate_series(0, 1) o`,
    [first, last],
  );
  await client.query(
    `insert into order_items select (g * 10 + o) * 10 + k, g * 10 + o, 'SKU' || k, 1 from ${ids} g, generate_series(0, 1) o, generate_series(0, 1) k`,
    [first, last],
  );
  await client.query('commit');
  return rows[0]?.xid ?? '';
}

/** One transaction: a customer, 2 orders, 2 items each. Returns its transaction id (32-bit, as pgoutput has it). */
async function customerTx(client: pg.Client, id: number): Promise<string> {
  await client.query('begin');
  const { rows } = await client.query<{ xid: string }>('select (txid_current() % 4294967296)::text as xid');
  await client.query('insert into customers values ($1, $2, $3, $4, now())', [
    id,
    `First${id}`,
    `Last${id}`,
    `u${id}@example.com`,
  ]);
  for (let o = 0; o < 2; o++) {
    const order = id * 10 + o;
    await client.query('insert into orders values ($1, $2, $3, $4)', [order, id, '19.99', 'new']);
    await client.query('insert into order_items values ($1, $2, $3, $4), ($5, $2, $6, $4)', [
      order * 10,
      order,
      `SKU${o}`,
      1,
      order * 10 + 1,
      `SKU${o}b`,
    ]);
  }
  await client.query('commit');
  return rows[0]?.xid ?? '';
}

/** Durable time (performance.now()) per transaction id, filled by every run's flush listener. */
const durableAt = new Map<string, number>();

/**
 * Runs sync over the bench product: a one-off catch-up (`signal` undefined) or, with a signal,
 * following until it aborts. Records when each transaction's last change became durable.
 */
async function runSync(config: string, signal?: AbortSignal, onStreaming?: () => void): Promise<void> {
  const runtime = await openRuntime(loadConfig(config, {}));
  try {
    const product = runtime.products.get('bench');
    const inner = createPostgresCdcConnector(product, product.sources[0] as SourceDef);
    const lastOrder = new Map<string, bigint>();
    const connector: Connector = {
      name: inner.name,
      acknowledge: (p) => inner.acknowledge(p),
      stop: () => inner.stop(),
      start: (ctx) =>
        inner.start({
          ...ctx,
          deliver: (batch) => {
            for (const e of batch.events) if (e.txId !== undefined) lastOrder.set(e.txId, e.position.order);
            return ctx.deliver(batch);
          },
        }),
    };
    const { engine } = await openSync(runtime);
    engine.onFlush((_result, positions) => {
      const token = positions.get(STREAM);
      if (token === undefined) return;
      const durableOrder = parseCdcToken(token, STREAM).order;
      const now = performance.now();
      for (const [xid, order] of lastOrder) {
        if (order > durableOrder) continue;
        durableAt.set(xid, now);
        lastOrder.delete(xid);
      }
    });
    const running = engine.run([{ product, connector }], {
      follow: signal !== undefined,
      ...(signal ? { signal } : {}),
    });
    if (onStreaming) {
      while (inner.metrics.phase !== 'streaming') await sleep(10);
      onStreaming();
    }
    await running;
  } finally {
    await runtime.close();
  }
}

const server = await startPostgres();
const dir = mkdtempSync(join(tmpdir(), 'cellar-bench-pg-'));
try {
  const url = await createDatabase(server.url, `bench_cdc_${process.pid}`);
  const setup = new pg.Client({ connectionString: url });
  await setup.connect();
  await setup.query(DDL);
  await setup.end();
  const config = writeConfig(dir, spec(url));
  await runSync(config); // creates the slot (empty snapshot)

  const writer = new pg.Client({ connectionString: url });
  await writer.connect();
  await writer.query('set synchronous_commit = on');

  // Burst: committed while no sync runs (the slot keeps the WAL), then drained by one sync.
  let id = 1;
  const c0 = performance.now();
  for (let i = 0; i < BURST_TX; i++) {
    await burstTx(writer, id, BURST_CUSTOMERS_PER_TX);
    id += BURST_CUSTOMERS_PER_TX;
  }
  const commitSeconds = (performance.now() - c0) / 1000;
  const d0 = performance.now();
  await runSync(config);
  const drainSeconds = (performance.now() - d0) / 1000;

  // Steady: a fixed rate while sync follows; lag per transaction.
  const stop = new AbortController();
  let streaming!: () => void;
  const ready = new Promise<void>((resolve) => {
    streaming = resolve;
  });
  const following = runSync(config, stop.signal, streaming);
  await ready;
  const interval = 1000 / STEADY_TX_PER_SEC;
  const start = performance.now();
  const committedAt = new Map<string, number>();
  for (let i = 0; i < STEADY_TX_PER_SEC * STEADY_SECONDS; i++) {
    const wait = start + i * interval - performance.now();
    if (wait > 0) await sleep(wait);
    const xid = await customerTx(writer, id++);
    committedAt.set(xid, performance.now());
  }
  while (![...committedAt.keys()].every((xid) => durableAt.has(xid))) await sleep(5);
  await writer.end();
  stop.abort();
  await following;

  const lag = summarize([...committedAt].map(([xid, at]) => (durableAt.get(xid) ?? at) - at));
  const events = BURST_TX * BURST_CUSTOMERS_PER_TX * ROWS_PER_TX;
  report({
    case: 'postgres-cdc',
    events,
    events_per_sec: events / drainSeconds,
    source_commit_events_per_sec: events / commitSeconds,
    throughput_ratio: commitSeconds / drainSeconds,
    steady_tx_per_sec: STEADY_TX_PER_SEC,
    lag_p50_ms: lag.p50,
    lag_p99_ms: lag.p99,
    lag_samples: lag.n,
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
  await server.stop();
}

/** Writes the product spec and a runtime configuration into `root`; returns the configuration's path. */
function writeConfig(root: string, productSpec: string): string {
  writeFileSync(join(root, 'bench.yaml'), productSpec);
  const config = join(root, 'cellar.yaml');
  writeFileSync(
    config,
    [
      'dataDir: ./data',
      'masterKey: { file: ./data/master.key, createIfMissing: true }',
      'products: [./bench.yaml]',
      'sync: { flushIntervalMs: 20 }',
    ].join('\n'),
  );
  return config;
}
