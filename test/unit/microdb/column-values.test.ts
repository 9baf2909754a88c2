import { describe, expect, it } from 'vitest';
import { rowToJson, rowToStored, toJsonValue, toStored } from '../../../src/microdb/column-values.js';
import { col, customers, orders } from './fixture-product.js';
import { rejection, stored } from './values/convert-helper.js';

describe('toStored: nulls and pii', () => {
  it('maps null and undefined to null for every type', () => {
    for (const type of ['integer', 'decimal', 'json', 'bytes', 'timestamptz'] as const) {
      expect(stored(type, null)).toBeNull();
      expect(stored(type, undefined)).toBeNull();
    }
  });

  it('never echoes a pii value', () => {
    const email = col(customers, 'email');
    const ssn = { ...col(customers, 'ssn'), type: 'integer' as const };
    const secret = '078-05-1120';
    const a = rejection(() => toStored(ssn, secret, undefined, 'customers'));
    expect(a.message).toBe(
      'column customers.ssn (integer): expected a 64-bit integer (a safe-integer number, a bigint or a string of digits), got a string of 11 characters',
    );
    const b = rejection(() =>
      toStored({ ...email, type: 'uuid' }, 'ann@example.com', undefined, 'customers'),
    );
    expect(b.message).not.toContain('ann@example.com');
    expect(b.message).toContain('customers.email (uuid)');
    const c = rejection(() =>
      toStored({ ...ssn, type: 'real' }, Number.POSITIVE_INFINITY, undefined, 'customers'),
    );
    expect(c.message).toMatch(/got a number$/);
  });
});

describe('rowToStored', () => {
  it('coerces declared columns, skips absent and unknown ones', () => {
    const row = rowToStored(
      orders,
      { id: '7', total: 'D54=', extra: 'x' },
      { total: { semantic: 'org.apache.kafka.connect.data.Decimal', scale: 2 } },
    );
    expect(row).toEqual({ id: 7n, total: '39.98' });
  });

  it('names the table in errors', () => {
    expect(rejection(() => rowToStored(orders, { id: 'x' })).message).toMatch(
      /^column orders\.id \(integer\)/,
    );
  });
});

describe('toJsonValue', () => {
  it('gives each type its JSON form', () => {
    expect(toJsonValue(col(customers, 'id'), 42n)).toBe(42);
    expect(toJsonValue(col(customers, 'big'), 9007199254740993n)).toBe('9007199254740993');
    expect(toJsonValue(col(customers, 'big'), -9007199254740991n)).toBe(-9007199254740991);
    expect(toJsonValue(col(customers, 'balance'), '12.50')).toBe('12.50');
    expect(toJsonValue(col(customers, 'vip'), 1n)).toBe(true);
    expect(toJsonValue(col(customers, 'vip'), 0n)).toBe(false);
    expect(toJsonValue(col(customers, 'photo'), Buffer.from([0xff, 0, 0x10]))).toBe('/wAQ');
    expect(toJsonValue(col(customers, 'tags'), '{"a":[1]}')).toEqual({ a: [1] });
    expect(toJsonValue(col(customers, 'score'), 1.5)).toBe(1.5);
    expect(toJsonValue(col(customers, 'born'), '2024-01-02')).toBe('2024-01-02');
    expect(toJsonValue(col(customers, 'email'), null)).toBeNull();
  });

  it('converts a whole row, absent columns as null', () => {
    expect(rowToJson(orders, { id: 1n, customer_id: 5n, total: '1.00' })).toEqual({
      id: 1,
      customer_id: 5,
      total: '1.00',
      status: null,
      placed_at: null,
    });
  });
});
