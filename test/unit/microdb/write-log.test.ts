import { describe, expect, it } from 'vitest';
import { bindsCleanly, WriteLog } from '../../../src/microdb/write-log.js';
import { customer360, orders } from './fixture-product.js';

describe('bindsCleanly', () => {
  it('accepts what better-sqlite3 binds and refuses the rest', () => {
    for (const ok of [null, 'x', 1.5, 2n ** 63n - 1n, -(2n ** 63n), new Uint8Array([1])])
      expect(bindsCleanly(ok)).toBe(true);
    for (const bad of [2n ** 63n, -(2n ** 63n) - 1n, Number.NaN]) expect(bindsCleanly(bad)).toBe(false);
  });
});

describe('WriteLog', () => {
  it('starts with the template meta and keeps one write per meta key, in its first place', () => {
    const log = new WriteLog(customer360);
    expect(log.meta('format')).toBe(1n);
    expect(log.meta('product')).toBe('customer360');
    expect(log.meta('product_version')).toBe('1.0.0');
    expect(log.meta('wm:crm')).toBeUndefined();
    log.setMeta('entity_id', '42');
    log.setMeta('wm:crm', '1');
    log.change(['a'], 10);
    log.setMeta('wm:crm', '2');
    expect(log.meta('wm:crm')).toBe('2');
    expect(log.writes.map((w) => (w.kind === 'meta' ? `${w.key}=${String(w.value)}` : w.kind))).toEqual([
      'entity_id=42',
      'wm:crm=2',
      'change',
    ]);
  });

  it('counts rows per table, changes and vault entries, and owns its byte values', () => {
    const log = new WriteLog(customer360);
    const bytes = new Uint8Array([1, 2]);
    expect(log.rowWrites('orders')).toBe(0);
    log.upsert(orders, { cacheKey: 'k', columns: ['id', 'status'] }, [1n, bytes]);
    log.upsert(orders, { cacheKey: 'k1', columns: ['id'] }, [2n]);
    log.vault({ token: 't', column: 'customers.ssn', value: 'v', createdAt: 1 });
    log.change(['x'], 5);
    bytes[0] = 9;
    expect(log.rowWrites('orders')).toBe(2);
    expect(log.rowWrites('customers')).toBe(0);
    expect([log.changes, log.vaultEntries]).toEqual([1, 1]);
    const first = log.writes[0];
    expect(first?.kind === 'upsert' ? first.values[1] : undefined).toEqual(Buffer.from([1, 2]));
  });
});
