import { describe, expect, it } from 'vitest';
import {
  defaultSlotName,
  pgSourceOptions,
  quoteIdent,
} from '../../../../src/connectors/postgres-cdc/cdc-options.js';
import { isCellarError } from '../../../../src/errors.js';
import { testProduct } from '../test-product.js';
import { pgSource } from './pg-fixtures.js';

function configError(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    expect(isCellarError(err, 'CELLAR_ERR_SOURCE_CONFIG'), String(err)).toBe(true);
    return err as Error;
  }
  throw new Error('expected CELLAR_ERR_SOURCE_CONFIG');
}

describe('postgres source options', () => {
  it('fills defaults and orders source tables like the product (parents before children)', () => {
    const o = pgSourceOptions(testProduct(), pgSource());
    expect(o.where).toBe('source customer360/crm');
    expect(o.slot).toBe('cellar_customer360_crm');
    expect(o.publication).toBe('cellar_customer360_crm');
    expect(o.batchSize).toBe(1000);
    expect(o.tables.map((t) => t.productTable)).toEqual(['customers', 'orders', 'order_items']);
    expect(o.tablesByKey.get('public.orders')?.sql).toBe('"public"."orders"');
  });

  it('reads a bare table name as public.table and quotes identifiers', () => {
    const o = pgSourceOptions(
      testProduct(),
      pgSource({}, { customers: 'customers', 'crm.Order"s': 'orders' }),
    );
    expect([...o.tablesByKey.keys()]).toEqual(['public.customers', 'crm.Order"s']);
    expect(o.tablesByKey.get('crm.Order"s')?.sql).toBe('"crm"."Order""s"');
    expect(quoteIdent('a"b')).toBe('"a""b"');
    expect(defaultSlotName('Shop-2', 'My Source')).toBe('cellar_shop_2_my_source');
    expect(defaultSlotName('p'.repeat(80), 's')).toHaveLength(63);
  });

  it('names the option at fault', () => {
    expect(configError(() => pgSourceOptions(testProduct(), pgSource({ url: '' }))).message).toContain(
      'option url is missing',
    );
    expect(
      configError(() => pgSourceOptions(testProduct(), pgSource({ slot: 'Bad-Slot' }))).message,
    ).toContain('option slot');
    expect(
      configError(() => pgSourceOptions(testProduct(), pgSource({ publication: 'a b' }))).message,
    ).toContain('option publication');
    expect(configError(() => pgSourceOptions(testProduct(), pgSource({ batchSize: 0 }))).message).toContain(
      'option batchSize',
    );
    expect(
      configError(() =>
        pgSourceOptions(testProduct(), pgSource({ reconnectMinMs: 500, reconnectMaxMs: 100 })),
      ).message,
    ).toContain('reconnectMaxMs');
    expect(
      configError(() => pgSourceOptions(testProduct(), pgSource({}, { 'public.x': 'nope' }))).message,
    ).toContain('not a table of the product');
    expect(configError(() => pgSourceOptions(testProduct(), pgSource({}, {}))).message).toContain(
      'tables is empty',
    );
  });
});
