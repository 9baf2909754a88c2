import { describe, expect, it } from 'vitest';
import { kafkaTableFor } from '../../../../src/connectors/kafka/kafka-table-for.js';

const topics = new Map([
  ['crm.public.customers', 'customers'],
  ['crm.all', 'customers'],
]);

describe('kafkaTableFor', () => {
  it('without sourceTables: the record’s own table when mapped, else its topic’s', () => {
    const tableFor = kafkaTableFor(topics, undefined);
    expect(tableFor({ schema: 'public', table: 'invoices', topic: 'crm.public.customers' })).toBe(
      'customers',
    );
    expect(tableFor({ topic: 'crm.public.customers' })).toBe('customers');
    expect(tableFor({ topic: 'elsewhere' })).toBeUndefined();
  });

  it('with sourceTables: a named table is routed by that map alone, a record naming none by its topic', () => {
    const tableFor = kafkaTableFor(
      topics,
      new Map([
        ['public.orders', 'orders'],
        ['order_items', 'order_items'],
      ]),
    );
    expect(tableFor({ schema: 'public', table: 'orders', topic: 'crm.all' })).toBe('orders');
    expect(tableFor({ schema: 'sales', table: 'order_items', topic: 'crm.all' })).toBe('order_items');
    expect(tableFor({ schema: 'public', table: 'invoices', topic: 'crm.all' })).toBeUndefined();
    expect(tableFor({ topic: 'crm.all' })).toBe('customers');
  });
});
