import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { microDbTemplate } from '../../../src/microdb/template.js';
import { column, customer360, product, table } from './fixture-product.js';

const opened: Database.Database[] = [];
function open(image: Buffer): Database.Database {
  const db = new Database(image);
  opened.push(db);
  return db;
}
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

describe('microDbTemplate', () => {
  it('builds a small image with 512-byte pages and no auto-vacuum', () => {
    const image = microDbTemplate(customer360);
    expect(image.readUInt16BE(16)).toBe(512); // the header's page size field
    const db = open(image);
    db.prepare('SELECT count(*) FROM sqlite_schema').get(); // the header is read lazily
    expect(db.pragma('page_size', { simple: true })).toBe(512);
    expect(db.pragma('auto_vacuum', { simple: true })).toBe(0);
    // One root page per table and index (9), plus the schema's own pages: a few KB at most.
    expect(image.length % 512).toBe(0);
    expect(image.length).toBeGreaterThanOrEqual(10 * 512);
    expect(image.length).toBeLessThanOrEqual(16 * 512);
  });

  it('holds every product table and the internal tables', () => {
    const db = open(microDbTemplate(customer360));
    const names = db
      .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
      .pluck()
      .all();
    expect(names).toEqual([
      '_cellar_changes',
      '_cellar_meta',
      '_cellar_vault',
      'customers',
      'order_items',
      'orders',
    ]);
    const indexes = db
      .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
      .pluck()
      .all();
    expect(indexes).toEqual(['_cellar_vault_by_value', 'order_items.order_id', 'orders.customer_id']);
  });

  it('records format, product and version but no entity id', () => {
    const db = open(microDbTemplate(customer360));
    const meta = Object.fromEntries(
      db.prepare('SELECT key, value FROM _cellar_meta').raw().all() as [string, unknown][],
    );
    expect(meta).toEqual({ format: 1, product: 'customer360', product_version: '1.0.0' });
  });

  it('is memoized per product', () => {
    const other = product('other', [
      table('things', [column('id', 'text')], ['id'], { kind: 'root', column: 'id' }),
    ]);
    expect(microDbTemplate(customer360)).toBe(microDbTemplate(customer360));
    expect(microDbTemplate(other)).not.toBe(microDbTemplate(customer360));
    expect(open(microDbTemplate(other)).prepare('SELECT count(*) FROM things').pluck().get()).toBe(0);
  });
});
