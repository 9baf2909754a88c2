import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { parseLsn } from '../../../../src/connectors/postgres-cdc/lsn.js';
import { PostgresCdcConnector } from '../../../../src/connectors/postgres-cdc/postgres-cdc-connector.js';
import { loadProduct } from '../../../../src/product/product-registry.js';
import type { Product, SourceDef } from '../../../../src/product/types.js';
import { createDatabase } from '../../harness/create-database.js';
import { uniqueName } from '../../harness/unique-name.js';

/** A database of its own on the run's PostgreSQL server, with a small query helper. */
export interface SourceDb {
  readonly url: string;
  readonly name: string;
  /** Runs SQL on a fresh connection (several statements allowed when there are no params). */
  sql<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, params?: unknown[]): Promise<T[]>;
  /** A connection kept open by the caller (end it). */
  client(): Promise<pg.Client>;
}

export async function sourceDb(prefix: string): Promise<SourceDb> {
  const name = uniqueName(prefix);
  const url = await createDatabase(inject('databaseUrl'), name);
  const client = async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    return c;
  };
  return {
    url,
    name,
    client,
    async sql<T extends pg.QueryResultRow>(text: string, params?: unknown[]) {
      const c = await client();
      try {
        return (await c.query<T>(text, params)).rows;
      } finally {
        await c.end();
      }
    },
  };
}

/** The source side of the shop product: four tables in a hierarchy, plus one the spec ignores. */
export const SHOP_SOURCE_DDL = `
create table customers (id bigint primary key, name text, email text, note text, created_at timestamptz default now());
create table orders (id bigint primary key, customer_id bigint not null, total numeric(12,2), status text);
create table order_items (id bigint primary key, order_id bigint not null, sku text, extra int);
create table shipments (id bigint primary key, item_id bigint not null, carrier text);
create table audit_trail (id bigserial primary key, what text);
`;

/** The shop product (customers → orders → order_items → shipments) fed by a postgres-cdc source. */
export function shopSpec(url: string, options: Record<string, unknown> = {}, moreSources = ''): string {
  const extra = Object.entries(options)
    .map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`)
    .join('\n');
  return `
product: shop
version: 1.0.0
title: Shop
owner: tests
description: customers with orders, items and shipments
entity: { name: customer }
tables:
  customers:
    root: true
    primaryKey: [id]
    entityId: id
    columns:
      id: { type: integer }
      name: { type: text }
      email: { type: text }
      note: { type: text }
  orders:
    primaryKey: [id]
    entityId: customer_id
    columns:
      id: { type: integer }
      customer_id: { type: integer }
      total: { type: decimal, scale: 2 }
      status: { type: text }
  order_items:
    primaryKey: [id]
    parent: { table: orders, key: order_id }
    columns:
      id: { type: integer }
      order_id: { type: integer }
      sku: { type: text }
  shipments:
    primaryKey: [id]
    parent: { table: order_items, key: item_id }
    columns:
      id: { type: integer }
      item_id: { type: integer }
      carrier: { type: text }
sources:
  crm:
    type: postgres-cdc
    url: ${JSON.stringify(url)}
    tables: { public.customers: customers, public.orders: orders, public.order_items: order_items, public.shipments: shipments }
${extra}
${moreSources}
access:
  support: { read: true }
`;
}

/** Polls `check` every 50 ms until it returns true; fails after `timeoutMs`. */
export async function eventually(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: still not true after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The shop product compiled from {@link shopSpec} (written to a temp folder, which is removed). */
export function shopProduct(db: SourceDb, options: Record<string, unknown> = {}): Product {
  const dir = mkdtempSync(join(tmpdir(), 'cellar-pg-spec-'));
  try {
    writeFileSync(join(dir, 'shop.yaml'), shopSpec(db.url, { slot: db.name, ...options }));
    return loadProduct(join(dir, 'shop.yaml'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A new postgres-cdc connector for the shop product's `crm` source. */
export function shopConnector(db: SourceDb, options: Record<string, unknown> = {}): PostgresCdcConnector {
  const product = shopProduct(db, options);
  return new PostgresCdcConnector(product, product.sources[0] as SourceDef);
}

/** The slot's confirmed position (as a bigint), or undefined when there is no slot. */
export async function confirmedFlush(db: SourceDb, slot = db.name): Promise<bigint | undefined> {
  const rows = await db.sql<{ lsn: string | null }>(
    'select confirmed_flush_lsn::text as lsn from pg_replication_slots where slot_name = $1',
    [slot],
  );
  const lsn = rows[0]?.lsn;
  return lsn ? parseLsn(lsn) : undefined;
}

/** `"name"`, quoted for SQL. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
