import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batch, EventBuilder, MemoryConnector } from '../../../src/connectors/memory/memory-connector.js';
import { readEntity } from '../../../src/runtime/read-entity.js';
import { ADA, bearer, type HttpFixture, KEYS, openHttpFixture } from './http-fixture.js';

let fx: HttpFixture;
beforeAll(async () => {
  fx = await openHttpFixture();
});
afterAll(() => fx?.close());

const ENTITY = '/v1/products/customer360/entities';

function call(
  method: 'GET' | 'DELETE' | 'POST',
  url: string,
  key?: string,
  payload?: Record<string, unknown>,
) {
  return fx.service.app.inject({
    method,
    url,
    headers: key === undefined ? {} : bearer(key),
    ...(payload === undefined ? {} : { payload }),
  });
}

describe('DELETE /v1/products/:product/entities/:id', () => {
  it('refuses roles without erase with 403 whether or not the entity exists, and 401 without credentials', async () => {
    for (const id of ['1001', '404404']) {
      for (const key of [KEYS.support, KEYS.analyst, KEYS.auditor]) {
        const res = await call('DELETE', `${ENTITY}/${id}`, key);
        expect(res.statusCode).toBe(403);
        expect(res.json().error.code).toBe('CELLAR_ERR_AUTH_FORBIDDEN');
      }
      expect((await call('DELETE', `${ENTITY}/${id}`)).statusCode).toBe(401);
    }
    expect((await call('GET', `${ENTITY}/1001`, KEYS.dpo)).statusCode).toBe(200);
  });

  it('erases for the dpo: the entity, its tokens and a restored backup of its blob are gone for good', async () => {
    const { runtime } = fx.service;
    const key = runtime.keyring.entityKey('customer360', '1001');
    const backup = await runtime.blobs.get('customer360', key);
    const token = ((await readEntity(runtime, 'customer360', '1001')).data.customers as { ssn: string }).ssn;

    const res = await call('DELETE', `${ENTITY}/1001`, KEYS.dpo);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ product: 'customer360', id: '1001', erased: true, suppressed: true });
    expect((await call('GET', `${ENTITY}/1001`, KEYS.dpo)).statusCode).toBe(404);
    const detok = await call('POST', '/v1/detokenize', KEYS.dpo, { tokens: [token] });
    expect(detok.json().results).toEqual([{ token, status: 'not-found' }]);

    // A backup restore puts the old blob back: nobody can open it.
    if (backup === undefined) throw new Error('no blob');
    await runtime.blobs.commit({
      puts: [backup],
      deletes: [],
      routes: [],
      positions: new Map(),
      deadLetters: [],
      park: [],
      unpark: [],
    });
    runtime.repo.forgetAbsent();
    const restored = await call('GET', `${ENTITY}/1001`, KEYS.dpo);
    expect(restored.statusCode).toBe(404);
    expect(restored.json().error.code).toBe('CELLAR_ERR_KEY_NOT_FOUND');
    expect(restored.body.includes(ADA.last_name)).toBe(false);

    // A later source event for it does not bring it back; it is counted.
    const e = new EventBuilder('memory/later');
    await fx.service.engine.run(
      [
        {
          product: runtime.products.get('customer360'),
          connector: new MemoryConnector('customer360/later', [
            batch(e.update('customers', { ...ADA, last_name: 'Byron' })),
          ]),
        },
      ],
      { follow: false },
    );
    expect(fx.service.engine.stats.suppressed).toBe(1);
    expect((await call('GET', `${ENTITY}/1001`, KEYS.dpo)).statusCode).toBe(404);

    // Erasing again answers the same shape; nothing was left to destroy but the restored copy.
    expect((await call('DELETE', `${ENTITY}/1001`, KEYS.dpo)).json()).toMatchObject({ erased: true });
    expect((await call('DELETE', `${ENTITY}/1001`, KEYS.dpo)).json()).toMatchObject({ erased: false });
  });

  it('audits erasures with the entity hash', async () => {
    await call('DELETE', `${ENTITY}/1002`, KEYS.support);
    await call('DELETE', `${ENTITY}/1002`, KEYS.dpo);
    const hash = fx.service.runtime.keyring.hashForAudit('customer360', '1002');
    const records = (await fx.auditText())
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((r) => r.action === 'erase' && r.entity === hash);
    expect(records.map((r) => [r.principal, r.outcome, r.status])).toEqual([
      ['demo-support', 'denied', 403],
      ['demo-dpo', 'allowed', 200],
    ]);
  });
});
