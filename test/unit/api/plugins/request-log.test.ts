import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../../src/api/app.js';
import { REDACTED_PATHS } from '../../../../src/api/logger.js';
import { type ApiFixture, bearer, KEYS, openApiFixture } from '../api-fixture.js';

let fx: ApiFixture;
beforeAll(async () => {
  fx = await openApiFixture();
});
afterAll(() => fx?.close());

describe('request logging', () => {
  it('logs route pattern, status, duration and principal, never the URL, ids or credentials', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = pino({ redact: [...REDACTED_PATHS] }, sink);
    const app = await buildApp({
      runtime: fx.service.runtime,
      authenticator: fx.service.app.cellar.authenticator,
      logger,
      rateLimit: false,
    });
    try {
      await app.inject({
        method: 'GET',
        url: '/v1/products/customer360/entities/1001?tables=customers',
        headers: bearer(KEYS.dpo),
      });
      await app.inject({
        method: 'GET',
        url: '/v1/products/customer360/entities/1002',
        headers: bearer('wrong-key-123'),
      });
      await app.inject({ method: 'GET', url: '/nowhere/1001' });
    } finally {
      await app.close();
    }
    const entries = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((e) => e.msg === 'request');
    expect(entries).toHaveLength(3);
    expect(entries[0]).toMatchObject({
      route: '/v1/products/:product/entities/:id',
      method: 'GET',
      status: 200,
      principal: 'demo-dpo',
      reqId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(typeof entries[0]?.durationMs).toBe('number');
    expect(entries[1]).toMatchObject({ status: 401 });
    expect(entries[2]).toMatchObject({ route: 'unmatched', status: 404 });
    const all = lines.join('');
    for (const secret of ['1001', '1002', KEYS.dpo, 'wrong-key-123', 'Lovelace', 'Bearer'])
      expect(all).not.toContain(secret);
  });
});
