import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../../src/api/app.js';
import type { SyncState } from '../../../../src/api/sync-state.js';
import { type ApiFixture, openApiFixture } from '../api-fixture.js';

let fx: ApiFixture;
beforeAll(async () => {
  fx = await openApiFixture();
});
afterAll(() => fx?.close());

describe('GET /healthz', () => {
  it('answers ok without credentials', async () => {
    const res = await fx.service.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });
});

describe('GET /readyz', () => {
  it('is ready when the store answers and sync has drained', async () => {
    expect(fx.service.syncState).toBe('starting'); // the fixture ran the engine itself
    let state: SyncState = 'drained';
    const app = await buildApp({
      runtime: fx.service.runtime,
      authenticator: { authenticate: async () => Promise.reject(new Error('unused')) },
      syncState: () => state,
    });
    try {
      const ready = await app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toEqual({
        status: 'ready',
        checks: { store: 'ok', sync: 'drained', audit: 'off' },
      });
      for (const bad of ['starting', 'failed', 'stopped'] as const) {
        state = bad;
        const res = await app.inject({ method: 'GET', url: '/readyz' });
        expect(res.statusCode).toBe(503);
        expect(res.json().error).toEqual({
          code: 'CELLAR_ERR_NOT_READY',
          message: `not ready: the sync sources are ${bad}`,
        });
      }
    } finally {
      await app.close();
    }
  });

  it('reports the service opened but not yet syncing as not ready', async () => {
    const res = await fx.service.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
  });
});
