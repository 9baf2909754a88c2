import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../../src/api/app.js';
import { toCellarError } from '../../../../src/api/plugins/error-handler.js';
import { CellarError } from '../../../../src/errors.js';
import { type ApiFixture, openApiFixture } from '../api-fixture.js';

describe('toCellarError', () => {
  it('keeps CellarErrors and maps Fastify errors by kind', () => {
    const own = new CellarError('CELLAR_ERR_ENTITY_NOT_FOUND');
    expect(toCellarError(own)).toBe(own);
    const validation = Object.assign(new Error('querystring/limit must be <= 1000'), {
      code: 'FST_ERR_VALIDATION',
      statusCode: 400,
      validation: [],
    });
    expect(toCellarError(validation).code).toBe('CELLAR_ERR_REQUEST_INVALID');
    const tooLarge = Object.assign(new Error('Request body is too large'), {
      code: 'FST_ERR_CTP_BODY_TOO_LARGE',
      statusCode: 413,
    });
    expect(toCellarError(tooLarge).code).toBe('CELLAR_ERR_REQUEST_TOO_LARGE');
    const media = Object.assign(new Error('Unsupported Media Type'), {
      code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
      statusCode: 415,
    });
    expect(toCellarError(media).code).toBe('CELLAR_ERR_REQUEST_MEDIA_TYPE');
  });

  it('turns anything else into CELLAR_ERR_INTERNAL with no detail', () => {
    const err = toCellarError(new TypeError('cannot read properties of undefined (reading "ssn")'));
    expect(err.code).toBe('CELLAR_ERR_INTERNAL');
    expect(err.message).toBe('internal error');
  });
});

describe('the error handler', () => {
  let fx: ApiFixture;
  beforeAll(async () => {
    fx = await openApiFixture();
  });
  afterAll(() => fx?.close());

  it('answers an unexpected failure with 500 and no internal detail, and records it', async () => {
    const app = await buildApp({
      runtime: fx.service.runtime,
      ...(fx.service.audit === undefined ? {} : { audit: fx.service.audit }),
      authenticator: {
        authenticate: async () => {
          throw new Error('secret detail /var/lib/cellar at line 42');
        },
      },
      rateLimit: false,
    });
    try {
      const res = await app.inject({ method: 'GET', url: '/v1/products/customer360/entities/1001' });
      expect(res.statusCode).toBe(500);
      expect(res.json()).toEqual({ error: { code: 'CELLAR_ERR_INTERNAL', message: 'internal error' } });
      expect(res.body).not.toContain('secret');
      expect(res.body).not.toContain('at ');
      const last = (await fx.auditRecords()).at(-1);
      expect(last).toMatchObject({
        kind: 'access',
        action: 'read',
        outcome: 'error',
        status: 500,
        principal: 'anonymous',
      });
    } finally {
      await app.close();
    }
  });

  it('answers with the audit failure, not the data, when the access record cannot be written', async () => {
    const audit = fx.service.audit;
    if (audit === undefined) throw new Error('the fixture audits');
    await audit.close();
    const res = await fx.service.app.inject({
      method: 'GET',
      url: '/v1/products/customer360/entities/1001',
      headers: { authorization: 'Bearer demo-dpo-key' },
    });
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe('CELLAR_ERR_AUDIT_CLOSED');
    expect(res.body).not.toContain('Lovelace');
  });
});
