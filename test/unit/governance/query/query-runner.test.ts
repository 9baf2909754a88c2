import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installMasking } from '../../../../src/governance/masking/mask-install.js';
import { buildMaskedCopy } from '../../../../src/governance/query/masked-copy.js';
import type { QueryRequest } from '../../../../src/governance/query/query-protocol.js';
import { runQuery } from '../../../../src/governance/query/query-runner.js';
import type { MaskPlan } from '../../../../src/product/types.js';
import { ada, loadCustomer360, testKey } from '../masking/fixtures.js';

/** The worker's logic, run in this process on a masked copy of Ada. */
let image: Buffer;
let uninstall: () => void;
beforeAll(() => {
  uninstall = installMasking(() => testKey(5));
  const product = loadCustomer360();
  const entity = ada(product);
  image = buildMaskedCopy(product, entity, product.maskPlans.support as MaskPlan);
  entity.close();
});
afterAll(() => uninstall());

function run(sql: string, extra: Partial<QueryRequest> = {}) {
  return runQuery({
    type: 'query',
    id: 1,
    image,
    sql,
    params: [],
    maxRows: 1000,
    maxBytes: 1 << 20,
    ...extra,
  });
}

describe('runQuery', () => {
  it('returns column names and JSON-safe rows', () => {
    expect(run("SELECT id, email, x'00ff' AS b, 9007199254740993 AS big FROM customers")).toEqual({
      type: 'rows',
      id: 1,
      columns: ['id', 'email', 'b', 'big'],
      rows: [[1001, 'a***@example.com', 'AP8=', '9007199254740993']],
      truncated: false,
    });
  });

  it('sees only the product tables of the copy', () => {
    const reply = run("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name");
    expect(reply.type === 'rows' && reply.rows).toEqual([['customers'], ['order_items'], ['orders']]);
    expect(run('SELECT * FROM _cellar_vault')).toMatchObject({
      kind: 'invalid',
      message: 'no such table: _cellar_vault',
    });
  });

  it('refuses statements that write or are not queries, even past the guard', () => {
    for (const sql of [
      'CREATE TABLE x (a)',
      'INSERT INTO orders (id) VALUES (9)',
      'DELETE FROM customers',
      'PRAGMA query_only = OFF',
      "ATTACH ':memory:' AS x",
    ]) {
      expect(run(sql), sql).toMatchObject({ type: 'failure', kind: 'rejected' });
    }
    expect(run('WITH x AS (SELECT 1) DELETE FROM customers RETURNING *')).toMatchObject({ kind: 'rejected' });
    expect(run('SELECT count(*) FROM orders')).toMatchObject({ rows: [[2]] });
  });

  it('reports SQLite errors as invalid, with its message', () => {
    expect(run('SELECT nope FROM customers')).toMatchObject({
      kind: 'invalid',
      message: 'no such column: nope',
    });
    expect(run('SELECT 1; SELECT 2')).toMatchObject({ kind: 'invalid' });
    expect(run("SELECT load_extension('x')")).toMatchObject({ kind: 'invalid', message: 'not authorized' });
    expect(run('SELECT ?', { params: [] })).toMatchObject({ kind: 'invalid' });
  });

  it('binds positional and named parameters', () => {
    expect(run('SELECT ? + 1, typeof(?)', { params: [41n, 2n] })).toMatchObject({ rows: [[42, 'integer']] });
    expect(run('SELECT sku FROM order_items WHERE order_id = :o', { params: { o: 2n } })).toMatchObject({
      rows: [['PEN-7']],
    });
  });

  it('stops at maxRows and at maxBytes, saying so', () => {
    const series = 'WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT x FROM r';
    expect(run(series, { maxRows: 3 })).toMatchObject({ rows: [[1], [2], [3]], truncated: true });
    expect(run('SELECT id FROM orders', { maxRows: 2 })).toMatchObject({
      rows: [[1], [2]],
      truncated: false,
    });
    const wide = run("SELECT printf('%.*c', 100, 'x') FROM orders", { maxBytes: 150 });
    expect(wide).toMatchObject({ truncated: true });
    expect(wide.type === 'rows' && wide.rows.length).toBe(1);
  });
});
