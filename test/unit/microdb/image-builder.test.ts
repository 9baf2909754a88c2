import { describe, expect, it } from 'vitest';
import { buildPendingImage } from '../../../src/microdb/image-builder.js';
import { MicroDb } from '../../../src/microdb/micro-db.js';
import { microDbTemplate } from '../../../src/microdb/template.js';
import { WriteLog } from '../../../src/microdb/write-log.js';
import { customer360, orders } from './fixture-product.js';
import { closeAfterEach } from './micro-db-helper.js';

const track = closeAfterEach();

/** A new entity with `n` orders, each carrying `note` (padded to 60 characters) as its status. */
function entity(id: bigint, n: number, note: string): MicroDb {
  const status = note.padEnd(60, '.');
  const db = MicroDb.create(customer360, String(id));
  db.upsert('customers', { id, first_name: `First${id}`, email: `user${id}@example.com` });
  for (let o = 0; o < n; o++) db.upsert('orders', { id: id * 100n + BigInt(o), customer_id: id, status });
  db.recordChange({ op: 'c', table: 'customers', pk: [id], stream: 's', token: String(id), at: 1 }, 100);
  db.setWatermark('s', id);
  return db;
}

describe('buildPendingImage', () => {
  it('builds entity after entity the image their own connections would serialize', () => {
    // Small, one that outgrows the template's pages, then small again.
    for (const [id, n] of [
      [1n, 1],
      [2n, 12],
      [3n, 1],
      [4n, 12],
    ] as const) {
      const built = track(entity(id, n, 'paid')).serialize();
      const own = track(entity(id, n, 'paid'));
      own.transaction(() => undefined); // opens its own connection
      const expected = own.serialize();
      expect(built.length).toBe(expected.length);
      expect(sameBeyondHeaderCounters(built, expected)).toBe(true);
      const opened = track(MicroDb.open(customer360, built));
      expect(opened.readJson()).toBe(track(MicroDb.open(customer360, expected)).readJson());
      expect(opened.watermark('s')).toBe(id);
    }
    // And the builder holds the template again: an empty log builds the template itself.
    expect(
      buildPendingImage(customer360, new WriteLog(customer360)).equals(microDbTemplate(customer360)),
    ).toBe(true);
  });

  it('leaves nothing of one entity in the next one’s image', () => {
    const secret = 'ZZZ-secret-of-entity-7-ZZZ';
    const first = track(entity(7n, 12, secret)).serialize();
    expect(first.includes(secret)).toBe(true);
    for (const next of [track(entity(8n, 1, 'x')), track(entity(9n, 12, 'y'))]) {
      const image = next.serialize();
      expect(image.includes(secret)).toBe(false);
      expect(image.includes('user7@example.com')).toBe(false);
    }
  });

  it('zeroes a value an upsert replaced, as an own connection does (secure_delete)', () => {
    const db = track(entity(6n, 1, 'ZZZ-replaced-status-ZZZ'));
    db.upsert('orders', { id: 600n, status: 'short' });
    expect(db.serialize().includes('ZZZ-replaced-status-ZZZ')).toBe(false);
  });

  it('recovers from a replay that fails: the builder is replaced, later builds work', () => {
    const bad = new WriteLog(customer360);
    bad.upsert(orders, { cacheKey: 'upsert:orders\0id', columns: ['id'] }, [1n, 2n]); // one value too many
    expect(() => buildPendingImage(customer360, bad)).toThrow();
    const good = track(entity(5n, 1, 'ok'));
    expect(track(MicroDb.open(customer360, good.serialize())).getRow('orders', [500n])?.status).toMatch(
      /^ok\./,
    );
  });
});

/** Equal but for the header's change counter and version-valid-for/SQLite version fields. */
function sameBeyondHeaderCounters(a: Buffer, b: Buffer): boolean {
  return (
    a.length === b.length &&
    a.compare(b, 0, 24, 0, 24) === 0 &&
    a.compare(b, 28, 92, 28, 92) === 0 &&
    a.compare(b, 100, b.length, 100, a.length) === 0
  );
}
