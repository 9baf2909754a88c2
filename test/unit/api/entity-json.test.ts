import { describe, expect, it } from 'vitest';
import {
  MASKED_SUFFIX,
  requestedTables,
  returnedColumns,
  returnedTables,
} from '../../../src/api/entity-json.js';
import { isCellarError } from '../../../src/errors.js';
import { loadProduct } from '../../../src/product/product-registry.js';
import { REPO_ROOT } from '../../support/cli.js';

const product = loadProduct(`${REPO_ROOT}/config/products/customer360.yaml`, {});

describe('requestedTables', () => {
  it('returns every table for no parameter, else the named ones in product order, each once', () => {
    expect(requestedTables(product, undefined)).toBeUndefined();
    expect(requestedTables(product, ' order_items, customers ,order_items')).toEqual([
      'customers',
      'order_items',
    ]);
  });

  it('refuses an unknown table and an empty list', () => {
    expect(() => requestedTables(product, 'customers,vault')).toThrow(
      expect.toSatisfy((e: unknown) => isCellarError(e, 'CELLAR_ERR_TABLE_NOT_FOUND')),
    );
    expect(() => requestedTables(product, ' , ')).toThrow(
      expect.toSatisfy((e: unknown) => isCellarError(e, 'CELLAR_ERR_REQUEST_INVALID')),
    );
  });
});

describe('returnedColumns', () => {
  it('names every returned column, marking those the role sees masked', () => {
    const support = returnedColumns(product, product.maskPlans.support ?? null, ['customers']);
    expect(support).toContain(`customers.email${MASKED_SUFFIX}`);
    expect(support).toContain('customers.id');
    expect(support.some((c) => c.startsWith('orders.'))).toBe(false);
    const clear = returnedColumns(product, null, undefined);
    expect(clear).toContain('customers.email');
    expect(clear).toContain('order_items.sku');
    expect(clear.some((c) => c.endsWith(MASKED_SUFFIX))).toBe(false);
  });

  it('is cached per plan and table set', () => {
    const plan = product.maskPlans.analyst ?? null;
    expect(returnedColumns(product, plan, ['orders'])).toBe(returnedColumns(product, plan, ['orders']));
  });
});

describe('returnedTables', () => {
  it('is the requested tables, or every table in product order made once per product', () => {
    expect(returnedTables(product, ['orders'])).toEqual(['orders']);
    const all = returnedTables(product, undefined);
    expect(all).toEqual(product.tables.map((t) => t.name));
    expect(Object.isFrozen(all)).toBe(true);
    expect(returnedTables(product, undefined)).toBe(all);
  });
});
