import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADA, ADA_ITEMS, ADA_ORDERS, type ApiFixture, bearer, KEYS, openApiFixture } from '../api-fixture.js';

let fx: ApiFixture;
beforeAll(async () => {
  fx = await openApiFixture();
});
afterAll(() => fx?.close());

const ENTITY = '/v1/products/customer360/entities';

function get(url: string, key?: string) {
  return fx.service.app.inject({ method: 'GET', url, headers: key === undefined ? {} : bearer(key) });
}

describe('GET /v1/products/:product/entities/:id', () => {
  it('shows Ada to support with names, email, SSN, phone and birth date masked', async () => {
    const res = await get(`${ENTITY}/1001`, KEYS.support);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.json();
    expect(body).toMatchObject({ product: 'customer360', id: '1001', version: 1 });
    expect(typeof body.syncedAt).toBe('string');
    expect(body.data.customers).toEqual({
      id: 1001,
      first_name: 'A**',
      last_name: 'L*******',
      email: 'a***@example.com',
      ssn: '****',
      phone: '************0018',
      birth_date: '****',
      created_at: ADA.created_at,
    });
    expect(body.data.orders).toEqual(ADA_ORDERS);
    expect(body.data.order_items).toEqual(ADA_ITEMS);
  });

  it('shows Ada in the clear to the dpo', async () => {
    const res = await get(`${ENTITY}/1001`, KEYS.dpo);
    expect(res.statusCode).toBe(200);
    expect(res.json().data.customers).toEqual(ADA);
  });

  it('narrows to ?tables=, in product order, each once', async () => {
    const res = await get(`${ENTITY}/1001?tables=orders,customers,orders`, KEYS.dpo);
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.json().data)).toEqual(['customers', 'orders']);
  });

  it('refuses an unknown table in ?tables= with 404 CELLAR_ERR_TABLE_NOT_FOUND', async () => {
    const res = await get(`${ENTITY}/1001?tables=customers,secrets`, KEYS.dpo);
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('CELLAR_ERR_TABLE_NOT_FOUND');
  });

  it('answers 401 without credentials and with an unknown key, in the error shape', async () => {
    for (const key of [undefined, 'not-a-key']) {
      const res = await get(`${ENTITY}/1001`, key);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({
        error: { code: 'CELLAR_ERR_AUTH_UNAUTHENTICATED', message: expect.any(String) },
      });
      expect(res.body).not.toContain('not-a-key');
    }
  });

  it('answers 403 to a role without read, with the same body whether the entity exists or not', async () => {
    const existing = await get(`${ENTITY}/1001`, KEYS.auditor);
    const missing = await get(`${ENTITY}/999999`, KEYS.auditor);
    expect(existing.statusCode).toBe(403);
    expect(missing.statusCode).toBe(403);
    expect(existing.json().error.code).toBe('CELLAR_ERR_AUTH_FORBIDDEN');
    expect(missing.body).toBe(existing.body);
  });

  it('answers 404 CELLAR_ERR_ENTITY_NOT_FOUND for an unknown entity and PRODUCT_NOT_FOUND for an unknown product', async () => {
    const entity = await get(`${ENTITY}/999999`, KEYS.support);
    expect(entity.statusCode).toBe(404);
    expect(entity.json().error.code).toBe('CELLAR_ERR_ENTITY_NOT_FOUND');
    expect(entity.body).not.toContain('999999');
    const product = await get('/v1/products/nope/entities/1001', KEYS.support);
    expect(product.statusCode).toBe(404);
    expect(product.json().error.code).toBe('CELLAR_ERR_PRODUCT_NOT_FOUND');
  });

  it('reads an entity that is not cached (loaded from the store)', async () => {
    fx.service.runtime.repo.cache.clear();
    const res = await get(`${ENTITY}/1002`, KEYS.support);
    expect(res.statusCode).toBe(200);
    expect(res.json().data.customers.first_name).toBe('G****');
  });
});

describe('GET /v1/products/:product/entities/:id/:table', () => {
  it('pages one table with ?limit and ?offset, masked', async () => {
    const res = await get(`${ENTITY}/1001/orders?limit=2&offset=1`, KEYS.analyst);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      product: 'customer360',
      id: '1001',
      table: 'orders',
      limit: 2,
      offset: 1,
      rows: ADA_ORDERS.slice(1, 3),
    });
  });

  it('defaults to 100 rows and masks the root table for the analyst', async () => {
    const res = await get(`${ENTITY}/1001/customers`, KEYS.analyst);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.limit).toBe(100);
    expect(body.rows).toHaveLength(1);
    expect(body.rows[0].birth_date).toBe(1815);
    expect(body.rows[0].email).toMatch(/^[0-9a-f]{32}$/);
    expect(body.rows[0].first_name).toBe('A**');
  });

  it('refuses ?limit above 1000 with 400 CELLAR_ERR_REQUEST_INVALID', async () => {
    const res = await get(`${ENTITY}/1001/orders?limit=1001`, KEYS.analyst);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toEqual({
      code: 'CELLAR_ERR_REQUEST_INVALID',
      message: expect.stringContaining('limit'),
    });
  });

  it('answers 404 for an unknown table before looking the entity up', async () => {
    const res = await get(`${ENTITY}/999999/secrets`, KEYS.analyst);
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('CELLAR_ERR_TABLE_NOT_FOUND');
  });
});
