import { describe, expect, it } from 'vitest';
import { CONNECTION_BYTES, MicroDb } from '../../../src/microdb/micro-db.js';
import { CUSTOMER_42 } from './fixture-entity.js';
import { customer360 } from './fixture-product.js';
import { closeAfterEach, errorCode } from './micro-db-helper.js';

const track = closeAfterEach();

/** A new micro-DB whose connection is open from the start (any transaction opens it). */
function opened(id: string): MicroDb {
  const db = MicroDb.create(customer360, id);
  db.transaction(() => undefined);
  return db;
}

/** The same writes a new entity gets in sync: root row, vault entry, change, watermark, synced_at. */
function write(db: MicroDb): void {
  db.upsert('customers', CUSTOMER_42);
  db.vault.put({
    token: 'tok-1',
    column: 'customers.ssn',
    value: '078-05-1120',
    createdAt: 1_700_000_000_000,
  });
  db.recordChange({ op: 'c', table: 'customers', pk: [42n], stream: 'crm', token: '0/1', at: 5 }, 100);
  db.setWatermark('crm', 7n);
  db.setSyncedAt(1_700_000_000_123);
}

describe('a new micro-DB before its connection opens', () => {
  it('answers every read as the open connection does, and serializes the same content', () => {
    const pending = track(MicroDb.create(customer360, '42'));
    const open = track(opened('42'));
    const reads = (db: MicroDb) => ({
      empty: db.isEmpty(),
      order: db.getRow('orders', [1n]),
      byColumn: db.rowsByColumn('order_items', 'order_id', 1n),
      all: db.allRows('orders'),
      deleted: db.delete('orders', [1n]),
      truncated: db.truncate('order_items'),
      watermark: db.watermark('crm'),
      syncedAt: db.syncedAt(),
      changes: db.changes(),
      vault: [db.vault.get('tok-1'), db.vault.find('customers.ssn', '078-05-1120'), db.vault.count()],
    });
    expect(reads(pending)).toEqual(reads(open));
    write(pending);
    write(open);
    expect(pending.isEmpty()).toBe(false);
    expect(pending.watermark('crm')).toBe(7n);
    expect(pending.syncedAt()).toBe(1_700_000_000_123);
    expect(pending.getRow('orders', [1n])).toBeUndefined();

    const fromLog = track(MicroDb.open(customer360, pending.serialize()));
    const fromConnection = track(MicroDb.open(customer360, open.serialize()));
    expect(reads(fromLog)).toEqual(reads(fromConnection));
    expect(fromLog.readJson()).toBe(fromConnection.readJson());
    expect(fromLog.getRow('customers', [42n])).toEqual(fromConnection.getRow('customers', [42n]));
    // Any other read opens the connection with the writes in it.
    expect(reads(pending)).toEqual(reads(open));
    expect(pending.readJson()).toBe(open.readJson());
  });

  it('fails a write that cannot bind at once, as an open connection does', () => {
    const pending = track(MicroDb.create(customer360, '1'));
    const open = track(opened('1'));
    for (const db of [pending, open]) {
      expect(() => db.upsert('orders', { id: 1n, customer_id: 2n ** 64n })).toThrow(RangeError);
      expect(() =>
        db.vault.put({ token: 't', column: 'customers.ssn', value: 'v', createdAt: Number.NaN }),
      ).toThrow(RangeError);
    }
    expect(track(MicroDb.open(customer360, pending.serialize())).readJson()).toBe(open.readJson());
  });

  it('keeps the newest changes beyond the history limit', () => {
    const db = track(MicroDb.create(customer360, '1'));
    for (let i = 1; i <= 4; i++)
      db.recordChange({ op: 'u', table: 'orders', pk: [BigInt(i)], stream: 's', token: `${i}`, at: i }, 2);
    expect(db.changes().map((c) => [c.seq, c.token])).toEqual([
      [3, '3'],
      [4, '4'],
    ]);
  });

  it('counts its pending writes until its connection opens, then the connection', () => {
    const db = track(MicroDb.create(customer360, '1'));
    const empty = db.byteSize();
    db.upsert('customers', { id: 1n, first_name: 'Ada', email: 'ada@example.com' });
    const written = db.byteSize();
    expect(written).toBeGreaterThan(empty);
    expect(written).toBeLessThan(8 * 1024);
    db.serialize(); // built by the shared builder: still no connection of its own
    expect(db.byteSize()).toBe(written);
    db.readJson(); // opens it
    expect(db.byteSize()).toBeGreaterThan(CONNECTION_BYTES);
  });

  it('refuses use after close', () => {
    const db = MicroDb.create(customer360, '1');
    expect(db.isOpen).toBe(true);
    db.close();
    expect(db.isOpen).toBe(false);
    expect(errorCode(() => db.readJson())).toBe('CELLAR_ERR_INTERNAL');
    expect(errorCode(() => db.isEmpty())).toBe('CELLAR_ERR_INTERNAL');
  });
});
