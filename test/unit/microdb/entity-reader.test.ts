import { afterEach, describe, expect, it } from 'vitest';
import {
  columnJsonExpr,
  entityReadSql,
  resolveReadTables,
  tableReadSql,
} from '../../../src/microdb/entity-reader.js';
import { MicroDb } from '../../../src/microdb/micro-db.js';
import { column, customer360, orderItems, orders, product, table } from './fixture-product.js';

const open: MicroDb[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

describe('entity read SQL', () => {
  it('gives per-type JSON expressions', () => {
    expect(columnJsonExpr(column('n', 'integer'), '"n"')).toContain(
      'BETWEEN -9007199254740991 AND 9007199254740991',
    );
    expect(columnJsonExpr(column('b', 'boolean'), '"b"')).toBe(
      `CASE "b" WHEN 1 THEN json('true') WHEN 0 THEN json('false') END`,
    );
    expect(columnJsonExpr(column('p', 'bytes'), '"p"')).toBe('cellar_base64("p")');
    expect(columnJsonExpr(column('j', 'json'), '"j"')).toBe('json("j")');
    expect(columnJsonExpr(column('d', 'decimal', { scale: 2 }), '"d"')).toBe('"d"');
  });

  it('is one statement over the resolved tables', () => {
    const sql = entityReadSql(resolveReadTables(customer360, ['order_items', 'orders']));
    expect(sql.startsWith('SELECT ')).toBe(true);
    expect(sql.indexOf('"orders"')).toBeLessThan(sql.indexOf('"order_items"'));
    expect(resolveReadTables(customer360, undefined)).toBe(customer360.tables);
    expect(resolveReadTables(customer360, ['order_items', 'orders'])).toEqual([orders, orderItems]);
  });

  it('memoizes the statement text per table list and transform id', () => {
    const upper = { id: 'upper', expr: (_t: unknown, _c: unknown, json: string) => `upper(${json})` };
    const all = entityReadSql(customer360.tables);
    expect(entityReadSql(customer360.tables)).toBe(all);
    const subset = entityReadSql(resolveReadTables(customer360, ['orders']));
    expect(entityReadSql(resolveReadTables(customer360, ['orders']))).toBe(subset);
    expect(subset).not.toBe(all);
    const masked = entityReadSql(customer360.tables, upper);
    expect(masked).toContain('upper(');
    expect(all).not.toContain('upper(');
    expect(tableReadSql(orders, upper)).toContain('upper(');
    expect(tableReadSql(orders)).not.toContain('upper(');
    // A table list with the same names but other table objects is not served the memoized text.
    const renamed = { ...orders, columns: orders.columns.slice(0, 1) };
    expect(entityReadSql([renamed])).not.toBe(entityReadSql([orders]));
  });

  it('reads tables wider than one json_object call allows', () => {
    const columns = [
      column('id', 'integer'),
      ...Array.from({ length: 450 }, (_, i) => column(`c${i}`, 'integer')),
    ];
    const wide = table('wide', columns, ['id'], { kind: 'root', column: 'id' });
    const db = MicroDb.create(product('wide', [wide]), '1');
    open.push(db);
    const row: Record<string, bigint> = { id: 1n };
    for (let i = 0; i < 450; i++) row[`c${i}`] = BigInt(i);
    db.upsert('wide', row);
    const text = db.readJson();
    expect(JSON.parse(text)).toEqual({
      wide: Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)])),
    });
    expect(text.startsWith('{"wide":{"id":1,"c0":0,')).toBe(true);
  });
});
