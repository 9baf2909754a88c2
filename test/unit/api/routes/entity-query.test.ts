import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADA, type ApiFixture, bearer, KEYS, openApiFixture } from '../api-fixture.js';

let fx: ApiFixture;
beforeAll(async () => {
  fx = await openApiFixture();
});
afterAll(() => fx?.close());

/** `key` null: no Authorization header. */
function query(body: unknown, key: string | null = KEYS.analyst, id = '1001') {
  return fx.service.app.inject({
    method: 'POST',
    url: `/v1/products/customer360/entities/${id}/query`,
    headers: key === null ? {} : bearer(key),
    payload: body as Record<string, unknown>,
  });
}

describe('POST /v1/products/:product/entities/:id/query', () => {
  it('runs SQL for the analyst over masked values only', async () => {
    const res = await query({ sql: 'SELECT first_name, email, ssn, birth_date, phone FROM customers' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.columns).toEqual(['first_name', 'email', 'ssn', 'birth_date', 'phone']);
    const [row] = body.rows;
    expect(row[0]).toBe('A**');
    expect(row[1]).toMatch(/^[0-9a-f]{32}$/);
    expect(row[2]).toBe('****');
    expect(row[3]).toBe(1815);
    for (const clear of [ADA.first_name, ADA.email, ADA.ssn, ADA.birth_date, ADA.phone]) {
      expect(res.body).not.toContain(clear);
    }
    expect(body.truncated).toBe(false);
  });

  it('binds positional and named parameters', async () => {
    const positional = await query({
      sql: 'SELECT count(*) AS n FROM orders WHERE total > ?',
      params: ['200'],
    });
    expect(positional.json().rows).toEqual([[1]]);
    const named = await query({
      sql: 'SELECT id FROM orders WHERE status = :status',
      params: { status: 'paid' },
    });
    expect(named.json().rows).toEqual([[10002]]);
  });

  it('hides the internal tables: _cellar names are refused with CELLAR_ERR_QUERY_REJECTED', async () => {
    for (const sql of [
      'SELECT * FROM _cellar_vault',
      'SELECT * FROM _cellar_meta',
      'DELETE FROM customers',
    ]) {
      const res = await query({ sql });
      expect(res.statusCode, sql).toBe(400);
      expect(res.json().error.code).toBe('CELLAR_ERR_QUERY_REJECTED');
    }
    const tables = await query({ sql: "SELECT name FROM pragma_table_list WHERE name LIKE '%cellar%'" });
    expect(tables.statusCode).toBe(400);
  });

  it('refuses support (no query right) with 403, before looking at the SQL or the entity', async () => {
    const res = await query({ sql: 'SELECT * FROM _cellar_vault' }, KEYS.support, '999999');
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('CELLAR_ERR_AUTH_FORBIDDEN');
  });

  it('answers 401 without credentials, 404 for an unknown entity, 400 for invalid SQL or body', async () => {
    expect((await query({ sql: 'SELECT 1' }, null)).statusCode).toBe(401);
    const missing = await query({ sql: 'SELECT 1' }, KEYS.analyst, '999999');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('CELLAR_ERR_ENTITY_NOT_FOUND');
    const invalid = await query({ sql: 'SELECT nope FROM customers' });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error.code).toBe('CELLAR_ERR_QUERY_INVALID');
    const noSql = await query({ params: [] });
    expect(noSql.statusCode).toBe(400);
    expect(noSql.json().error.code).toBe('CELLAR_ERR_REQUEST_INVALID');
    const badParams = await query({ sql: 'SELECT ?', params: 'x' });
    expect(badParams.statusCode).toBe(400);
    expect(badParams.json().error.code).toBe('CELLAR_ERR_REQUEST_INVALID');
  });

  it('records the query, allowed or refused, with the result columns', async () => {
    await query({ sql: 'SELECT status AS s FROM orders' });
    await query({ sql: 'SELECT 1' }, KEYS.support);
    const records = (await fx.auditRecords()).filter((r) => r.kind === 'access' && r.action === 'query');
    const allowed = records.find(
      (r) => r.kind === 'access' && r.outcome === 'allowed' && r.columns?.[0] === 's',
    );
    expect(allowed).toMatchObject({ principal: 'demo-analyst', roles: ['analyst'], status: 200 });
    const denied = records.find((r) => r.kind === 'access' && r.principal === 'demo-support');
    expect(denied).toMatchObject({ outcome: 'denied', status: 403, product: 'customer360' });
    const rejected = records.find((r) => r.kind === 'access' && r.status === 400 && r.outcome === 'denied');
    expect(rejected).toBeDefined();
  });
});
