import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { compileProduct } from '../../../src/product/compile.js';
import { loadSpec } from '../../../src/product/load-spec.js';
import { FIXTURE_ENV, FIXTURE_SPEC, fixtureTree, useSpecWriter } from './spec-fixture.js';

const write = useSpecWriter();
const product = compileProduct(loadSpec(FIXTURE_SPEC, FIXTURE_ENV));

describe('compileProduct of customer360', () => {
  it('carries the header with defaults', () => {
    expect(product).toMatchObject({
      name: 'customer360',
      version: '1.0.0',
      title: 'Customer 360',
      owner: 'crm-data-team',
      entity: { name: 'customer' },
      file: FIXTURE_SPEC,
    });
    expect(product.root.name).toBe('customers');
  });

  it('orders tables root first, parents before children, with routes and children', () => {
    expect(product.tables.map((t) => t.name)).toEqual(['customers', 'orders', 'order_items']);
    const [customers, orders, items] = product.tables;
    expect(customers?.route).toEqual({ kind: 'root', column: 'id' });
    expect(orders?.route).toEqual({ kind: 'column', column: 'customer_id' });
    expect(items?.route).toEqual({ kind: 'parent', table: 'orders', key: 'order_id' });
    expect(orders?.children).toEqual(['order_items']);
    expect(customers?.children).toEqual([]);
    expect(product.tablesByName.get('orders')).toBe(orders);
  });

  it('compiles columns with their defaults and masks', () => {
    const customers = product.tablesByName.get('customers')!;
    expect(customers.columns.map((c) => c.name)).toEqual([
      'id',
      'first_name',
      'last_name',
      'email',
      'ssn',
      'birth_date',
      'created_at',
    ]);
    expect(customers.columnsByName.get('id')).toEqual({
      name: 'id',
      type: 'integer',
      scale: undefined,
      pii: false,
      tokenize: undefined,
      deterministic: false,
      masks: {},
    });
    expect(customers.columnsByName.get('ssn')).toMatchObject({
      pii: true,
      tokenize: 'format-preserving',
      masks: { default: { fn: 'redact', args: [] } },
    });
    expect(customers.columnsByName.get('first_name')?.masks).toEqual({
      default: { fn: 'partial', args: [1, 0] },
    });
    expect(product.tablesByName.get('orders')?.columnsByName.get('total')).toMatchObject({
      type: 'decimal',
      scale: 2,
    });
  });

  it('writes DDL that builds the tables and routing indexes', () => {
    expect(product.tablesByName.get('orders')?.ddl).toBe(
      'CREATE TABLE "orders" ("id" INTEGER, "customer_id" INTEGER, "total" TEXT, "status" TEXT, "placed_at" TEXT, ' +
        'PRIMARY KEY ("id")) WITHOUT ROWID;\nCREATE INDEX "orders.customer_id" ON "orders" ("customer_id")',
    );
    const db = new Database(':memory:');
    try {
      for (const table of product.tables) for (const statement of table.ddl.split(';\n')) db.exec(statement);
      const rows = db.prepare('SELECT type, name FROM sqlite_master ORDER BY name').all();
      expect(rows).toEqual([
        { type: 'table', name: 'customers' },
        { type: 'table', name: 'order_items' },
        { type: 'index', name: 'order_items.order_id' },
        { type: 'table', name: 'orders' },
        { type: 'index', name: 'orders.customer_id' },
      ]);
    } finally {
      db.close();
    }
  });

  it('normalizes sources: topics into tables, options kept, file paths absolute', () => {
    const [crm, events, sample] = product.sources;
    expect(crm?.type).toBe('postgres-cdc');
    expect([...(crm?.tables ?? [])]).toEqual([
      ['public.customers', 'customers'],
      ['public.orders', 'orders'],
      ['public.order_items', 'order_items'],
    ]);
    expect(crm?.options).toEqual({ url: FIXTURE_ENV.CRM_DATABASE_URL, slot: 'cellar_crm' });
    expect(events?.options).toEqual({ brokers: 'localhost:9092', format: 'debezium' });
    expect([...(events?.tables ?? [])]).toEqual([
      ['crm.public.customers', 'customers'],
      ['crm.public.orders', 'orders'],
    ]);
    expect(sample?.tables.size).toBe(0);
    expect(sample?.options.path).toBe(join(dirname(FIXTURE_SPEC), '..', 'samples', 'customer360.jsonl'));
  });

  it('fills access defaults: flags false, mask profile the role name', () => {
    expect(product.access.auditor).toEqual({
      read: false,
      query: false,
      clear: false,
      detokenize: false,
      erase: false,
      mask: 'auditor',
    });
    expect(product.access.dpo).toMatchObject({
      read: true,
      clear: true,
      detokenize: true,
      erase: true,
      mask: 'dpo',
    });
  });

  it('is frozen, maps included', () => {
    expect(Object.isFrozen(product)).toBe(true);
    expect(Object.isFrozen(product.tables[0]?.columns[1]?.masks)).toBe(true);
    expect(Object.isFrozen(product.sources[0]?.options)).toBe(true);
    expect(() => (product.tablesByName as Map<string, unknown>).set('x', {})).toThrow(TypeError);
    expect(() => (product.sources[0]!.tables as Map<string, string>).delete('public.orders')).toThrow(
      TypeError,
    );
    expect(product.sources[0]?.tables.size).toBe(3);
  });
});

describe('compileProduct ordering', () => {
  it('places a child listed before its parent after it', () => {
    const tree = fixtureTree();
    const { order_items, ...rest } = tree.tables;
    tree.tables = { order_items, ...rest };
    const compiled = compileProduct(loadSpec(write(tree), FIXTURE_ENV));
    expect(compiled.tables.map((t) => t.name)).toEqual(['customers', 'orders', 'order_items']);
  });

  it('defaults the title to the product name and the description to empty', () => {
    const tree = fixtureTree();
    delete tree.title;
    delete tree.description;
    const compiled = compileProduct(loadSpec(write(tree), FIXTURE_ENV));
    expect(compiled.title).toBe('customer360');
    expect(compiled.description).toBe('');
  });
});
