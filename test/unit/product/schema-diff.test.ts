import { describe, expect, it } from 'vitest';
import { isCellarError } from '../../../src/errors.js';
import { compileProduct } from '../../../src/product/compile.js';
import { loadSpec } from '../../../src/product/load-spec.js';
import { parseProductSchema, productSchema } from '../../../src/product/product-schema.js';
import { diffSchemas } from '../../../src/product/schema-diff.js';
import { FIXTURE_ENV, fixtureTree, type SpecTree, useSpecWriter } from './spec-fixture.js';

const write = useSpecWriter();
const schemaOf = (tree: SpecTree) => productSchema(compileProduct(loadSpec(write(tree), FIXTURE_ENV)));
const base = schemaOf(fixtureTree());

function changed(change: (tree: SpecTree) => void) {
  const tree = fixtureTree();
  change(tree);
  return diffSchemas(base, schemaOf(tree));
}

describe('productSchema', () => {
  it('records tables, keys, routes and column stored forms, and reads back from JSON', () => {
    expect(base.tables.map((t) => t.name)).toEqual(['customers', 'orders', 'order_items']);
    const orders = base.tables[1]!;
    expect(orders.route).toEqual({ kind: 'column', column: 'customer_id' });
    expect(orders.columns.find((c) => c.name === 'total')).toEqual({
      name: 'total',
      type: 'decimal',
      scale: 2,
      tokenize: null,
    });
    expect(parseProductSchema(JSON.stringify(base))).toEqual(base);
  });

  it('rejects stored text that is not a schema, naming what is wrong', () => {
    const broken = JSON.stringify({ ...base, tables: [{ ...base.tables[0], route: { kind: 'sideways' } }] });
    expect(() => parseProductSchema(broken)).toThrow(/table customers: unknown route/);
    const error = (() => {
      try {
        parseProductSchema('{');
      } catch (err) {
        return err;
      }
    })();
    expect(isCellarError(error, 'CELLAR_ERR_STORE_SCHEMA')).toBe(true);
  });
});

describe('diffSchemas', () => {
  it('finds nothing to do for the same spec, or one that changes only masks and access', () => {
    expect(diffSchemas(base, base)).toEqual({ steps: [], blockers: [] });
    const diff = changed((t) => {
      t.tables.customers.columns.email.mask = { default: 'redact' };
      t.access.support.query = true;
    });
    expect(diff).toEqual({ steps: [], blockers: [] });
  });

  it('migrates added and removed tables and columns', () => {
    const diff = changed((t) => {
      t.tables.customers.columns.phone = { type: 'text', pii: true };
      delete t.tables.customers.columns.created_at;
      t.tables.notes = {
        primaryKey: ['id'],
        entityId: 'customer_id',
        columns: { id: { type: 'integer' }, customer_id: { type: 'integer' }, body: { type: 'text' } },
      };
      delete t.tables.order_items;
      for (const source of Object.values(t.sources) as SpecTree[]) {
        if (source.tables) delete source.tables['public.order_items'];
      }
    });
    expect(diff.blockers).toEqual([]);
    expect(diff.steps).toEqual([
      {
        kind: 'add-column',
        table: 'customers',
        column: { name: 'phone', type: 'text', scale: null, tokenize: null },
      },
      { kind: 'drop-column', table: 'customers', column: 'created_at' },
      { kind: 'create-table', table: 'notes' },
      { kind: 'drop-table', table: 'order_items' },
    ]);
  });

  it('blocks changes to what stored values and keys mean, naming each', () => {
    const diff = changed((t) => {
      t.tables.orders.columns.status = { type: 'integer' };
      t.tables.orders.columns.total = { type: 'decimal', scale: 3 };
      delete t.tables.customers.columns.ssn.tokenize;
      t.tables.order_items.primaryKey = ['id', 'order_id'];
    });
    expect(diff.blockers).toEqual([
      'column customers.ssn changed tokenize from format-preserving to none',
      'column orders.total changed scale from 2 to 3',
      'column orders.status changed type from text to integer',
      'table order_items changed its primary key from (id) to (id,order_id)',
    ]);
  });

  it('blocks a table that reaches its entity another way', () => {
    const diff = changed((t) => {
      t.tables.order_items.columns.customer_id = { type: 'integer' };
      delete t.tables.order_items.parent;
      t.tables.order_items.entityId = 'customer_id';
    });
    expect(diff.blockers).toEqual([
      'table order_items changed how it reaches its entity: parent orders by order_id → column customer_id',
    ]);
  });
});
