import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, bearer, KEYS, openApiFixture } from '../api-fixture.js';

let fx: ApiFixture;
beforeAll(async () => {
  fx = await openApiFixture();
  await fx.service.app.inject({
    method: 'GET',
    url: '/v1/products/customer360/entities/1001',
    headers: bearer(KEYS.support),
  });
});
afterAll(() => fx?.close());

describe('GET /metrics', () => {
  it('exposes request latency by route, sync, cache and audit metrics', async () => {
    const res = await fx.service.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text = res.body;
    expect(text).toContain(
      'cellar_http_request_duration_seconds_count{method="GET",route="/v1/products/:product/entities/:id",status="200"} 1',
    );
    expect(text).toMatch(/^cellar_sync_events_applied_total 7$/m);
    expect(text).toMatch(/^cellar_sync_dead_letters_total 0$/m);
    expect(text).toMatch(/^cellar_sync_flushes_total [1-9]/m);
    expect(text).toMatch(/^cellar_sync_lag_seconds\{product="customer360"\} \d/m);
    expect(text).toMatch(/^cellar_cache_hits_total \d+$/m);
    expect(text).toMatch(/^cellar_cache_misses_total \d+$/m);
    expect(text).toMatch(/^cellar_audit_queue_depth \d+$/m);
    expect(text).toContain('cellar_sync_flush_duration_seconds_count');
    expect(text).not.toContain('1001');
  });

  it('keeps counters monotonic across scrapes', async () => {
    const count = async () => {
      const res = await fx.service.app.inject({ method: 'GET', url: '/metrics' });
      return Number(/^cellar_cache_hits_total (\d+)$/m.exec(res.body)?.[1]);
    };
    const before = await count();
    await fx.service.app.inject({
      method: 'GET',
      url: '/v1/products/customer360/entities/1001',
      headers: bearer(KEYS.dpo),
    });
    expect(await count()).toBeGreaterThan(before);
  });
});

describe('GET /openapi.json and /docs', () => {
  it('lists every route with its schemas', async () => {
    const res = await fx.service.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/products',
        '/v1/products/{product}',
        '/v1/products/{product}/entities/{id}',
        '/v1/products/{product}/entities/{id}/{table}',
        '/v1/products/{product}/entities/{id}/query',
        '/v1/audit',
        '/v1/audit/verify',
        '/healthz',
        '/readyz',
        '/metrics',
      ]),
    );
    const read = doc.paths['/v1/products/{product}/entities/{id}'].get;
    expect(Object.keys(read.responses)).toEqual(expect.arrayContaining(['200', '4XX', '5XX']));
    expect(read.security).toEqual([{ bearer: [] }]);
  });

  it('serves the swagger-ui page under a content security policy that allows it', async () => {
    const res = await fx.service.app.inject({ method: 'GET', url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).not.toContain('upgrade-insecure-requests');
  });
});

describe('every response', () => {
  it('carries security headers and a server-made request id', async () => {
    const res = await fx.service.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'client-chosen' },
    });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown routes with 404 CELLAR_ERR_ROUTE_NOT_FOUND, without echoing the path', async () => {
    const res = await fx.service.app.inject({ method: 'GET', url: '/v2/customers/1001' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      error: { code: 'CELLAR_ERR_ROUTE_NOT_FOUND', message: 'no route matches GET on this path' },
    });
    const wrongMethod = await fx.service.app.inject({ method: 'DELETE', url: '/healthz' });
    expect(wrongMethod.json().error.code).toBe('CELLAR_ERR_ROUTE_NOT_FOUND');
  });

  it('answers a malformed JSON body with 400 and an unsupported media type with 415', async () => {
    const url = '/v1/products/customer360/entities/1001/query';
    const badJson = await fx.service.app.inject({
      method: 'POST',
      url,
      headers: { ...bearer(KEYS.analyst), 'content-type': 'application/json' },
      payload: '{"sql": ',
    });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json().error.code).toBe('CELLAR_ERR_REQUEST_INVALID');
    const text = await fx.service.app.inject({
      method: 'POST',
      url,
      headers: { ...bearer(KEYS.analyst), 'content-type': 'text/csv' },
      payload: 'a,b',
    });
    expect(text.statusCode).toBe(415);
    expect(text.json().error.code).toBe('CELLAR_ERR_REQUEST_MEDIA_TYPE');
    const big = await fx.service.app.inject({
      method: 'POST',
      url,
      headers: bearer(KEYS.analyst),
      payload: { sql: `SELECT '${'x'.repeat(70_000)}'` },
    });
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('CELLAR_ERR_REQUEST_TOO_LARGE');
  });
});
