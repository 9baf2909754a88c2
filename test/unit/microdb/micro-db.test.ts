import { describe, expect, it } from 'vitest';
import { toStored } from '../../../src/microdb/column-values.js';
import { CONNECTION_BYTES, MicroDb } from '../../../src/microdb/micro-db.js';
import { fixtureEntity } from './fixture-entity.js';
import { col, column, customer360, customers, product, table } from './fixture-product.js';
import { closeAfterEach, errorCode } from './micro-db-helper.js';

const track = closeAfterEach();

describe('MicroDb.create', () => {
  it('starts empty with its entity id', () => {
    const db = track(MicroDb.create(customer360, '42'));
    expect(db.entityId).toBe('42');
    expect(db.productVersion).toBe('1.0.0');
    expect(db.isEmpty()).toBe(true);
    expect(db.readJson()).toBe('{"customers":null,"orders":[],"order_items":[]}');
    expect(db.syncedAt()).toBeUndefined();
  });
});

describe('MicroDb writes', () => {
  it('upserts only the columns given', () => {
    const db = track(MicroDb.create(customer360, '42'));
    db.upsert('orders', { id: 1n, customer_id: 42n, status: 'open' });
    expect(db.getRow('orders', [1n])).toEqual({
      id: 1n,
      customer_id: 42n,
      total: null,
      status: 'open',
      placed_at: null,
    });
    db.upsert('orders', { id: 1n, total: '9.99', status: undefined });
    expect(db.getRow('orders', [1n])).toEqual({
      id: 1n,
      customer_id: 42n,
      total: '9.99',
      status: 'open',
      placed_at: null,
    });
    db.upsert('orders', { id: 1n, status: null });
    expect(db.getRow('orders', [1n])?.status).toBeNull();
    db.upsert('orders', { id: 1n });
    expect(db.getRow('orders', [1n])?.total).toBe('9.99');
    db.upsert('orders', { id: 2n });
    expect(db.getRow('orders', [2n])).toEqual({
      id: 2n,
      customer_id: null,
      total: null,
      status: null,
      placed_at: null,
    });
  });

  it('stores what toStored produces and gives it back unchanged', () => {
    const db = track(MicroDb.create(customer360, '42'));
    const row = Object.fromEntries(
      Object.entries({
        id: '42',
        email: 'a@b.c',
        created_at: '2024-01-02 03:04:05.5',
        balance: 'D54=',
        vip: 't',
        tags: '{"n": 12345678901234567890}',
        photo: '\\x0102',
        big: '-9223372036854775808',
        score: '2.5',
      }).map(([k, v]) => [
        k,
        toStored(col(customers, k), v, k === 'photo' ? { pgType: 'bytea' } : undefined, 'customers'),
      ]),
    );
    db.upsert('customers', row);
    const back = db.getRow('customers', [42n]);
    for (const [k, v] of Object.entries(row)) expect(back?.[k]).toEqual(v);
    expect(back?.photo).toBeInstanceOf(Uint8Array);
    expect(back?.big).toBe(-9223372036854775808n);
  });

  it('refuses rows without their key, and names it cannot find', () => {
    const db = track(MicroDb.create(customer360, '42'));
    expect(errorCode(() => db.upsert('orders', { status: 'x' }))).toBe('CELLAR_ERR_EVENT_MISSING_KEY');
    expect(errorCode(() => db.upsert('orders', { id: null }))).toBe('CELLAR_ERR_EVENT_MISSING_KEY');
    expect(errorCode(() => db.upsert('orders', { id: 1n, colour: 'red' }))).toBe(
      'CELLAR_ERR_COLUMN_NOT_FOUND',
    );
    expect(errorCode(() => db.upsert('invoices', { id: 1n }))).toBe('CELLAR_ERR_TABLE_NOT_FOUND');
    expect(errorCode(() => db.getRow('orders', [1n, 2n]))).toBe('CELLAR_ERR_EVENT_MISSING_KEY');
    expect(errorCode(() => db.rowsByColumn('orders', 'colour', 1n))).toBe('CELLAR_ERR_COLUMN_NOT_FOUND');
  });

  it('deletes by key', () => {
    const db = track(fixtureEntity());
    expect(db.delete('orders', [102n])).toBe(true);
    expect(db.delete('orders', [102n])).toBe(false);
    expect(db.getRow('orders', [102n])).toBeUndefined();
  });

  it('finds rows by column, in key order, ready to move to another entity', () => {
    const from = track(fixtureEntity());
    const to = track(MicroDb.create(customer360, '7'));
    const rows = from.rowsByColumn('order_items', 'order_id', 102n);
    expect(rows.map((r) => r.id)).toEqual([1001n, 1004n, 1007n, 1010n]);
    for (const row of rows) to.upsert('order_items', row);
    expect(to.allRows('order_items')).toEqual(rows);
  });

  it('truncates a table', () => {
    const db = track(fixtureEntity());
    expect(db.truncate('order_items')).toBe(11);
    expect(db.allRows('order_items')).toEqual([]);
    expect(db.allRows('orders')).toHaveLength(3);
  });

  it('rolls back a failed transaction', () => {
    const db = track(MicroDb.create(customer360, '42'));
    expect(() =>
      db.transaction(() => {
        db.upsert('orders', { id: 1n });
        db.upsert('orders', { status: 'no key' });
      }),
    ).toThrow();
    expect(db.getRow('orders', [1n])).toBeUndefined();
    expect(db.transaction(() => db.upsert('orders', { id: 1n }))).toBeUndefined();
    expect(db.getRow('orders', [1n])).toBeDefined();
  });

  it('does not leave deleted values in the image', () => {
    const db = track(fixtureEntity());
    db.upsert('orders', { id: 500n, status: 'ZZZ-deleted-secret-ZZZ' });
    expect(db.serialize().includes('ZZZ-deleted-secret-ZZZ')).toBe(true);
    db.delete('orders', [500n]);
    expect(db.serialize().includes('ZZZ-deleted-secret-ZZZ')).toBe(false);
  });
});

describe('MicroDb internal tables', () => {
  it('keeps per-stream watermarks exactly', () => {
    const db = track(MicroDb.create(customer360, '42'));
    expect(db.watermark('crm')).toBeUndefined();
    db.setWatermark('crm', 18446744073709551615n);
    db.setWatermark('events/t/0', 5n);
    db.setWatermark('events/t/0', 6n);
    expect(db.watermark('crm')).toBe(18446744073709551615n);
    expect(db.watermark('events/t/0')).toBe(6n);
  });

  it('bounds the change history to the newest rows', () => {
    const db = track(MicroDb.create(customer360, '42'));
    for (let i = 1; i <= 5; i++) {
      db.recordChange(
        {
          op: 'u',
          table: 'orders',
          pk: [BigInt(i)],
          stream: 'crm',
          token: `0/${i}`,
          at: 1_700_000_000_000 + i,
        },
        3,
      );
    }
    db.recordChange(
      {
        op: 'c',
        table: 'customers',
        pk: [9007199254740993n, Buffer.from([1]), 'x'],
        stream: 's',
        token: 't',
        at: 1,
      },
      3,
    );
    const changes = db.changes();
    expect(changes.map((c) => c.token)).toEqual(['0/4', '0/5', 't']);
    expect(changes[0]).toEqual({
      seq: 4,
      at: 1_700_000_000_004,
      op: 'u',
      table: 'orders',
      pk: '[4]',
      stream: 'crm',
      token: '0/4',
    });
    expect(changes[2]?.pk).toBe('[9007199254740993,"AQ==","x"]');
    db.recordChange({ op: 'd', table: 'orders', pk: [1n], stream: 'crm', token: 'z', at: 2 }, 0);
    expect(db.changes()).toHaveLength(3);
  });

  it('records when it was synced', () => {
    const db = track(MicroDb.create(customer360, '42'));
    db.setSyncedAt(1_700_000_000_123);
    expect(db.syncedAt()).toBe(1_700_000_000_123);
  });
});

describe('MicroDb images', () => {
  it('round-trips through serialize and open', () => {
    const db = track(fixtureEntity());
    db.setWatermark('crm', 77n);
    db.setSyncedAt(5);
    const image = db.serialize();
    expect(db.imageSize()).toBe(image.length);
    // The estimate adds the connection's own memory, which dwarfs a small image.
    expect(db.byteSize()).toBeGreaterThan(image.length + CONNECTION_BYTES);
    const copy = track(MicroDb.open(customer360, new Uint8Array(image)));
    expect(copy.entityId).toBe('42');
    expect(copy.readJson()).toBe(db.readJson());
    expect(copy.watermark('crm')).toBe(77n);
    expect(copy.syncedAt()).toBe(5);
    copy.upsert('orders', { id: 999n });
    expect(db.getRow('orders', [999n])).toBeUndefined();
  });

  it('refuses images of another product or no database at all', () => {
    const other = product('other', [
      table('things', [column('id', 'text')], ['id'], { kind: 'root', column: 'id' }),
    ]);
    const image = track(MicroDb.create(other, 'a')).serialize();
    expect(() => MicroDb.open(customer360, image)).toThrow(/names another product/);
    expect(errorCode(() => MicroDb.open(customer360, Buffer.from('not a database at all, clearly')))).toBe(
      'CELLAR_ERR_MICRODB_IMAGE',
    );
  });

  it('compacts away free pages', () => {
    const db = track(fixtureEntity());
    for (let i = 0; i < 200; i++) db.upsert('order_items', { id: BigInt(5000 + i), sku: 'x'.repeat(100) });
    const grown = db.imageSize();
    db.truncate('order_items');
    expect(db.imageSize()).toBe(grown);
    db.compact();
    expect(db.imageSize()).toBeLessThan(grown / 4);
    expect(db.read().orders).toHaveLength(3);
  });

  it('closes once', () => {
    const db = MicroDb.create(customer360, '1');
    db.close();
    db.close();
    expect(db.isOpen).toBe(false);
    expect(() => db.readJson()).toThrow();
  });
});
