import { describe, expect, it } from 'vitest';
import { MicroDb } from '../../../src/microdb/micro-db.js';
import { CUSTOMER_42_JSON, fixtureEntity } from './fixture-entity.js';
import { column, customer360, product, table } from './fixture-product.js';
import { closeAfterEach, errorCode } from './micro-db-helper.js';

const track = closeAfterEach();

const ORDERS_JSON =
  '[{"id":101,"customer_id":42,"total":"10.50","status":"shipped","placed_at":"2024-01-01T10:00:00.000001Z"},' +
  '{"id":102,"customer_id":42,"total":"20.50","status":"shipped","placed_at":"2024-02-01T10:00:00.000001Z"},' +
  '{"id":103,"customer_id":42,"total":"30.50","status":"open","placed_at":"2024-03-01T10:00:00.000001Z"}]';

function itemsJson(): string {
  const items = [];
  for (let i = 1; i <= 11; i++)
    items.push(`{"id":${1000 + i},"order_id":${101 + (i % 3)},"sku":"SKU-${i}","qty":${i}}`);
  return `[${items.join(',')}]`;
}

describe('MicroDb reads', () => {
  it('reads the whole entity as exact JSON, rows in key order', () => {
    const db = track(fixtureEntity());
    expect(db.isEmpty()).toBe(false);
    expect(db.readJson()).toBe(
      `{"customers":${CUSTOMER_42_JSON},"orders":${ORDERS_JSON},"order_items":${itemsJson()}}`,
    );
    expect(db.read()).toEqual(JSON.parse(db.readJson()));
  });

  it('narrows to tables, always in product order', () => {
    const db = track(fixtureEntity());
    expect(db.readJson(['orders'])).toBe(`{"orders":${ORDERS_JSON}}`);
    expect(db.readJson(['order_items', 'customers', 'customers'])).toBe(
      `{"customers":${CUSTOMER_42_JSON},"order_items":${itemsJson()}}`,
    );
    expect(db.readJson([])).toBe('{}');
    expect(errorCode(() => db.readJson(['payments']))).toBe('CELLAR_ERR_TABLE_NOT_FOUND');
  });

  it('writes JSON forms for edge values', () => {
    const db = track(MicroDb.create(customer360, '1'));
    db.upsert('customers', {
      id: 1n,
      big: 9007199254740992n,
      vip: 0n,
      score: 0.1 + 0.2,
      tags: 'null',
      photo: Buffer.alloc(0),
    });
    const root = db.read(['customers']).customers as Record<string, unknown>;
    expect(root.big).toBe('9007199254740992');
    expect(root.vip).toBe(false);
    expect(root.score).toBe(0.1 + 0.2);
    expect(root.tags).toBeNull();
    expect(root.photo).toBe('');
    expect(root.email).toBeNull();
    db.upsert('customers', { id: 1n, big: -9007199254740991n });
    expect(db.readJson(['customers'])).toContain('"big":-9007199254740991');
  });

  it('applies a column transform, cached apart from plain reads', () => {
    const db = track(fixtureEntity());
    const masked = {
      id: 'test-mask',
      expr: (_t: unknown, c: { name: string; pii: boolean }, json: string, ref: string) => {
        if (c.name === 'ssn') return undefined;
        return c.pii ? `CASE WHEN ${ref} IS NULL THEN NULL ELSE '***' END` : json;
      },
    };
    const plain = db.read(['customers']).customers as Record<string, unknown>;
    const hidden = db.read(['customers'], masked).customers as Record<string, unknown>;
    expect(hidden.first_name).toBe('***');
    expect(hidden.email).toBe('***');
    expect('ssn' in hidden).toBe(false);
    expect(hidden.vip).toBe(true);
    expect(hidden.big).toBe('9223372036854775807');
    expect(db.read(['customers']).customers).toEqual(plain);
    expect(plain.first_name).toBe('Ann');
  });

  it('pages one table', () => {
    const db = track(fixtureEntity());
    const page = JSON.parse(db.readTableJson('order_items', 3, 2)) as { id: number }[];
    expect(page.map((r) => r.id)).toEqual([1003, 1004, 1005]);
    expect(db.readTableJson('orders', 10)).toBe(ORDERS_JSON);
    expect(db.readTableJson('orders', 10, 5)).toBe('[]');
    expect(db.readTableJson('customers', 1)).toBe(`[${CUSTOMER_42_JSON}]`);
    expect(errorCode(() => db.readTableJson('orders', -1))).toBe('CELLAR_ERR_INTERNAL');
  });

  it('orders composite keys column by column', () => {
    const lines = table(
      'lines',
      [column('a', 'integer'), column('b', 'text'), column('n', 'integer')],
      ['a', 'b'],
      {
        kind: 'column',
        column: 'n',
      },
    );
    const root = table('roots', [column('id', 'text')], ['id'], { kind: 'root', column: 'id' });
    const p = product('composite', [root, lines]);
    const db = track(MicroDb.create(p, 'x'));
    for (const [a, b] of [
      [2n, 'a'],
      [1n, 'b'],
      [1n, 'a'],
    ] as const) {
      db.upsert('lines', { a, b, n: 1n });
    }
    expect(db.readJson(['lines'])).toBe(
      '{"lines":[{"a":1,"b":"a","n":1},{"a":1,"b":"b","n":1},{"a":2,"b":"a","n":1}]}',
    );
    expect(db.delete('lines', [1n, 'b'])).toBe(true);
    expect(db.getRow('lines', [2n, 'a'])).toEqual({ a: 2n, b: 'a', n: 1n });
  });
});
