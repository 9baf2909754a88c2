import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEntity } from '../../../src/runtime/read-entity.js';
import { ADA, bearer, GRACE, type HttpFixture, KEYS, openHttpFixture } from './http-fixture.js';

let fx: HttpFixture;
beforeAll(async () => {
  fx = await openHttpFixture('tokens: { maxBatch: 4 }');
});
afterAll(() => fx?.close());

const TOKENS = (id: string) => `/v1/products/customer360/entities/${id}/tokens`;

function post(url: string, body: unknown, key?: string) {
  return fx.service.app.inject({
    method: 'POST',
    url,
    payload: body as Record<string, unknown>,
    headers: key === undefined ? {} : bearer(key),
  });
}

async function storedSsn(id: string): Promise<string> {
  const doc = await readEntity(fx.service.runtime, 'customer360', id);
  return (doc.data.customers as { ssn: string }).ssn;
}

describe('POST /v1/products/:product/entities/:id/tokens and POST /v1/detokenize', () => {
  it("exchanges a synced entity's stored token for its value, for the dpo", async () => {
    const token = await storedSsn('1001');
    expect(token).not.toBe(ADA.ssn);
    const res = await post('/v1/detokenize', { tokens: [token, 'tok_nosuchtokennosuchtokennos'] }, KEYS.dpo);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      results: [
        { token, status: 'ok', value: ADA.ssn },
        { token: 'tok_nosuchtokennosuchtokennos', status: 'not-found' },
      ],
    });
  });

  it('tokenizes values into an entity and detokenizes them back', async () => {
    const res = await post(TOKENS('1002'), { column: 'ssn', values: ['111-22-3333', 'x'] }, KEYS.dpo);
    expect(res.statusCode).toBe(200);
    const body = res.json() as { product: string; column: string; tokens: string[] };
    expect(body).toMatchObject({ product: 'customer360', column: 'customers.ssn' });
    expect(body.tokens[0]).toMatch(/^\d{3}-\d{2}-\d{4}$/);
    const back = await post('/v1/detokenize', { tokens: body.tokens }, KEYS.dpo);
    expect(back.json().results.map((r: { value?: string }) => r.value)).toEqual(['111-22-3333', 'x']);
  });

  it('refuses roles without detokenize (403), callers without credentials (401), before looking anything up', async () => {
    for (const key of [KEYS.support, KEYS.analyst, KEYS.auditor, 'no-role-key']) {
      expect((await post(TOKENS('1001'), { column: 'ssn', values: ['1'] }, key)).statusCode).toBe(403);
      expect((await post(TOKENS('404404'), { column: 'ssn', values: ['1'] }, key)).statusCode).toBe(403);
      const res = await post('/v1/detokenize', { tokens: ['anything'] }, key);
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('CELLAR_ERR_AUTH_FORBIDDEN');
    }
    expect((await post('/v1/detokenize', { tokens: ['anything'] })).statusCode).toBe(401);
    expect((await post(TOKENS('1001'), { column: 'ssn', values: ['1'] })).statusCode).toBe(401);
  });

  it('answers bad requests with their codes: batch size, column, entity, body shape', async () => {
    const code = async (url: string, body: unknown) => {
      const res = await post(url, body, KEYS.dpo);
      return [res.statusCode, res.json().error?.code];
    };
    expect(await code(TOKENS('1001'), { column: 'ssn', values: ['1', '2', '3', '4', '5'] })).toEqual([
      400,
      'CELLAR_ERR_TOKEN_BATCH',
    ]);
    expect(await code(TOKENS('1001'), { column: 'ssn', values: [] })).toEqual([
      400,
      'CELLAR_ERR_TOKEN_BATCH',
    ]);
    expect(await code('/v1/detokenize', { tokens: ['1', '2', '3', '4', '5'] })).toEqual([
      400,
      'CELLAR_ERR_TOKEN_BATCH',
    ]);
    expect(await code(TOKENS('1001'), { column: 'email', values: ['1'] })).toEqual([
      400,
      'CELLAR_ERR_TOKEN_COLUMN',
    ]);
    expect(await code(TOKENS('404404'), { column: 'ssn', values: ['1'] })).toEqual([
      404,
      'CELLAR_ERR_ENTITY_NOT_FOUND',
    ]);
    expect(await code('/v1/products/nope/entities/1/tokens', { column: 'ssn', values: ['1'] })).toEqual([
      404,
      'CELLAR_ERR_PRODUCT_NOT_FOUND',
    ]);
    expect(await code(TOKENS('1001'), { column: 'ssn', values: [{}] })).toEqual([
      400,
      'CELLAR_ERR_REQUEST_INVALID',
    ]);
    expect(await code('/v1/detokenize', { tokens: { x: 1 } })).toEqual([400, 'CELLAR_ERR_REQUEST_INVALID']);
  });

  it('audits every tokenize and detokenize with entity hashes, never tokens or values', async () => {
    const value = 'audit-canary-9731';
    const res = await post(TOKENS('1001'), { column: 'customers.ssn', values: [value] }, KEYS.dpo);
    const [token] = res.json().tokens as string[];
    await post('/v1/detokenize', { tokens: [token] }, KEYS.dpo);
    await post('/v1/detokenize', { tokens: [token] }, KEYS.support);
    const text = await fx.auditText();
    const records = text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const hash = fx.service.runtime.keyring.hashForAudit('customer360', '1001');
    expect(records).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'tokenize',
          entity: hash,
          outcome: 'allowed',
          columns: ['customers.ssn'],
        }),
        expect.objectContaining({
          action: 'detokenize',
          entity: hash,
          outcome: 'allowed',
          product: 'customer360',
        }),
        expect.objectContaining({ action: 'detokenize', outcome: 'denied', principal: 'demo-support' }),
      ]),
    );
    for (const secret of [value, token!, ADA.ssn, GRACE.ssn])
      expect(text.includes(secret), secret).toBe(false);
    for (const secret of [value, token!]) expect(fx.logs.join('').includes(secret)).toBe(false);
  });

  it('property: any values round-trip for the dpo, any role without rights is refused, nothing leaks to logs or audit', async () => {
    const seen: string[] = [];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ unit: 'grapheme', minLength: 3, maxLength: 24 }), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.constantFrom(KEYS.support, KEYS.analyst, KEYS.auditor, 'no-role-key'),
        fc.constantFrom('ssn', 'customers.ssn'),
        async (values, stranger, column) => {
          const issued = await post(TOKENS('1002'), { column, values }, KEYS.dpo);
          expect(issued.statusCode).toBe(200);
          const tokens = issued.json().tokens as string[];
          for (const [i, t] of tokens.entries()) expect(t).not.toBe(values[i]);
          const back = await post('/v1/detokenize', { tokens }, KEYS.dpo);
          expect(back.json().results.map((r: { value?: string }) => r.value)).toEqual(values);
          expect((await post('/v1/detokenize', { tokens }, stranger)).statusCode).toBe(403);
          expect((await post(TOKENS('1002'), { column, values }, stranger)).statusCode).toBe(403);
          seen.push(...values.map((v) => `"${v}"`), ...tokens.map((t) => `"${t}"`));
        },
      ),
      { numRuns: 40 },
    );
    const text = await fx.auditText();
    const logs = fx.logs.join('');
    // JSON-quoted, so a short value that happens to occur inside a hash does not count.
    for (const secret of seen) {
      expect(text.includes(secret), `audit holds ${secret}`).toBe(false);
      expect(logs.includes(secret), `logs hold ${secret}`).toBe(false);
    }
  });
});
