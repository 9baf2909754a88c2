import { MicroDb } from '../../../src/microdb/micro-db.js';
import type { StoredRow } from '../../../src/microdb/stored-value.js';
import { customer360 } from './fixture-product.js';

/** The root row of entity 42: one value of every column type. */
export const CUSTOMER_42: StoredRow = {
  id: 42n,
  first_name: 'Ann',
  last_name: 'Lee',
  email: 'ann@example.com',
  ssn: '078-05-1120',
  created_at: '2024-01-02T03:04:05.123456',
  balance: '1234.50',
  vip: 1n,
  tags: '{"n":12345678901234567890,"t":["a","b"]}',
  photo: Buffer.from([0xff, 0x00, 0x10]),
  uid: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
  born: '1990-05-17',
  score: 0.5,
  big: 9223372036854775807n,
};

/** JSON text of {@link CUSTOMER_42} as `readJson` must produce it. */
export const CUSTOMER_42_JSON =
  '{"id":42,"first_name":"Ann","last_name":"Lee","email":"ann@example.com","ssn":"078-05-1120",' +
  '"created_at":"2024-01-02T03:04:05.123456","balance":"1234.50","vip":true,' +
  '"tags":{"n":12345678901234567890,"t":["a","b"]},"photo":"/wAQ","uid":"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",' +
  '"born":"1990-05-17","score":0.5,"big":"9223372036854775807"}';

/**
 * Entity 42 of customer360 with ~15 rows: the customer, 3 orders and 11 order items, written in
 * descending key order (reads must still come out ascending).
 */
export function fixtureEntity(): MicroDb {
  const db = MicroDb.create(customer360, '42');
  db.upsert('customers', CUSTOMER_42);
  for (let o = 3; o >= 1; o--) {
    db.upsert('orders', {
      id: BigInt(100 + o),
      customer_id: 42n,
      total: `${o * 10}.50`,
      status: o === 3 ? 'open' : 'shipped',
      placed_at: `2024-0${o}-01T10:00:00.000001Z`,
    });
  }
  for (let i = 11; i >= 1; i--) {
    db.upsert('order_items', {
      id: BigInt(1000 + i),
      order_id: BigInt(101 + (i % 3)),
      sku: `SKU-${i}`,
      qty: BigInt(i),
    });
  }
  return db;
}
