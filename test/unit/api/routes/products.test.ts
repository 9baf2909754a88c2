import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, bearer, KEYS, openApiFixture } from '../api-fixture.js';

let fx: ApiFixture;
beforeAll(async () => {
  fx = await openApiFixture();
});
afterAll(() => fx?.close());

describe('GET /v1/products', () => {
  it('lists each product with its entity count and freshness per source', async () => {
    const res = await fx.service.app.inject({
      method: 'GET',
      url: '/v1/products',
      headers: bearer(KEYS.support),
    });
    expect(res.statusCode).toBe(200);
    const [entry] = res.json().products;
    expect(entry).toMatchObject({
      name: 'customer360',
      version: '1.0.0',
      title: 'Customer 360',
      owner: 'crm-data-team',
      entity: { name: 'customer' },
      entities: 2,
    });
    // The engine applied events stamped 1_700_000_000_000 + n by the EventBuilder.
    expect(Date.parse(entry.freshness.lastEventAt)).toBeGreaterThan(1_700_000_000_000);
    expect(entry.freshness.lagMs).toBeGreaterThan(0);
    expect(typeof entry.freshness.lastWriteAt).toBe('string');
    expect(entry.freshness.sources).toEqual([]);
  });

  it('needs credentials', async () => {
    const res = await fx.service.app.inject({ method: 'GET', url: '/v1/products' });
    expect(res.statusCode).toBe(401);
  });
});

describe('GET /v1/products/:product', () => {
  it('describes tables, columns, pii, access and the masks of every role, without file paths', async () => {
    const res = await fx.service.app.inject({
      method: 'GET',
      url: '/v1/products/customer360',
      headers: bearer(KEYS.analyst),
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.tables.map((t: { name: string }) => t.name)).toEqual(['customers', 'orders', 'order_items']);
    const email = body.tables[0].columns.find((c: { name: string }) => c.name === 'email');
    expect(email).toMatchObject({ type: 'text', pii: true, masks: { support: 'email', analyst: 'hash' } });
    expect(body.masks.support.customers.email).toBe('email');
    expect(body.masks.analyst.customers.birth_date).toBe('year');
    expect(body.masks.support.orders.total).toBeNull();
    expect(body.access.dpo).toMatchObject({ read: true, clear: true });
    expect(res.body).not.toContain(fx.temp.dir);
    expect(res.body).not.toContain('CREATE TABLE');
  });

  it('answers 404 CELLAR_ERR_PRODUCT_NOT_FOUND for an unknown product', async () => {
    const res = await fx.service.app.inject({
      method: 'GET',
      url: '/v1/products/nope',
      headers: bearer(KEYS.support),
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('CELLAR_ERR_PRODUCT_NOT_FOUND');
  });
});
