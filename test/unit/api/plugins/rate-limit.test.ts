import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../../src/api/app.js';
import { type ApiFixture, bearer, KEYS, openApiFixture } from '../api-fixture.js';

let fx: ApiFixture;
let app: FastifyInstance;
beforeAll(async () => {
  fx = await openApiFixture();
  const s = fx.service;
  app = await buildApp({
    runtime: s.runtime,
    engine: s.engine,
    ...(s.audit === undefined ? {} : { audit: s.audit }),
    authenticator: s.app.cellar.authenticator,
    rateLimit: { enabled: true, max: 3, timeWindowMs: 60_000 },
  });
});
afterAll(async () => {
  await app?.close();
  await fx?.close();
});

const URL = '/v1/products/customer360/entities/1001';

describe('rate limiting', () => {
  it('allows max requests per principal per window, then answers 429 CELLAR_ERR_RATE_LIMITED', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push(
        (await app.inject({ method: 'GET', url: URL, headers: bearer(KEYS.support) })).statusCode,
      );
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await app.inject({ method: 'GET', url: URL, headers: bearer(KEYS.support) });
    expect(limited.json().error.code).toBe('CELLAR_ERR_RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    const records = await fx.auditRecords();
    expect(records.at(-1)).toMatchObject({
      kind: 'access',
      principal: 'demo-support',
      outcome: 'denied',
      status: 429,
    });
  });

  it('keeps a separate budget for each principal', async () => {
    const res = await app.inject({ method: 'GET', url: URL, headers: bearer(KEYS.dpo) });
    expect(res.statusCode).toBe(200);
  });

  it('counts unauthenticated requests by client address, and leaves /healthz alone', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await app.inject({ method: 'GET', url: URL })).statusCode);
    expect(statuses).toEqual([401, 401, 401, 429]);
    for (let i = 0; i < 5; i++)
      expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});
