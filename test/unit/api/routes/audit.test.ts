import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, bearer, KEYS, openApiFixture } from '../api-fixture.js';

let fx: ApiFixture;
beforeAll(async () => {
  fx = await openApiFixture();
  // Some traffic to read back.
  for (const key of [KEYS.support, KEYS.dpo, KEYS.auditor]) {
    await fx.service.app.inject({
      method: 'GET',
      url: '/v1/products/customer360/entities/1001',
      headers: bearer(key),
    });
  }
  await fx.service.app.inject({
    method: 'GET',
    url: '/v1/products/customer360/entities/1002',
    headers: bearer(KEYS.support),
  });
});
afterAll(() => fx?.close());

function audit(query: string, key: string = KEYS.auditor) {
  return fx.service.app.inject({ method: 'GET', url: `/v1/audit${query}`, headers: bearer(key) });
}

describe('GET /v1/audit', () => {
  it('pages the trail newest first for the auditor', async () => {
    const res = await audit('?limit=2');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.items).toHaveLength(2);
    expect(body.items[0].seq).toBeGreaterThan(body.items[1].seq);
    const next = await audit(`?limit=2&cursor=${body.nextCursor}`);
    expect(next.json().items[0].seq).toBeLessThan(body.items[1].seq);
  });

  it('filters by raw entity id (hashed by the server), product and principal', async () => {
    const res = await audit('?product=customer360&entity=1001&kind=access&principal=demo-support');
    expect(res.statusCode).toBe(200);
    const items = res.json().items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ action: 'read', outcome: 'allowed', principal: 'demo-support' });
    expect(items[0].entity).toBe(fx.service.runtime.keyring.hashForAudit('customer360', '1001'));
    const flushes = await audit('?product=customer360&entity=1002&kind=flush');
    expect(flushes.json().items.length).toBeGreaterThan(0);
  });

  it('refuses an entity filter without a product, and a bad time, with 400', async () => {
    const noProduct = await audit('?entity=1001');
    expect(noProduct.statusCode).toBe(400);
    expect(noProduct.json().error.code).toBe('CELLAR_ERR_AUDIT_QUERY_INVALID');
    const badTime = await audit('?since=yesterday-ish');
    expect(badTime.statusCode).toBe(400);
  });

  it('refuses roles other than the auditor roles with 403, and records the refusal', async () => {
    const res = await audit('', KEYS.dpo);
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('CELLAR_ERR_AUTH_FORBIDDEN');
    const records = await fx.auditRecords();
    expect(records.at(-1)).toMatchObject({
      kind: 'access',
      action: 'audit-read',
      outcome: 'denied',
      principal: 'demo-dpo',
    });
  });
});

describe('GET /v1/audit/verify', () => {
  it('verifies the chain and names the signing key', async () => {
    const res = await audit('/verify');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.ok).toBe(true);
    expect(body.records).toBeGreaterThan(5);
    expect(body.publicKey).toBe(fx.service.audit?.publicKey);
  });

  it('is for auditors only', async () => {
    expect((await audit('/verify', KEYS.support)).statusCode).toBe(403);
    expect((await fx.service.app.inject({ method: 'GET', url: '/v1/audit/verify' })).statusCode).toBe(401);
  });
});
