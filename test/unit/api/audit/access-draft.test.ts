import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../../src/api/app.js';
import { MASKED_SUFFIX } from '../../../../src/api/entity-json.js';
import { makePrincipal } from '../../../../src/governance/access/principal.js';
import type { AccessRecord } from '../../../../src/governance/audit/audit-record.js';
import { ADA, type ApiFixture, bearer, KEYS, openApiFixture } from '../api-fixture.js';

let fx: ApiFixture;
beforeAll(async () => {
  fx = await openApiFixture();
});
afterAll(() => fx?.close());

async function lastAccess(): Promise<AccessRecord> {
  const last = (await fx.auditRecords()).filter((r) => r.kind === 'access').at(-1);
  if (last?.kind !== 'access') throw new Error('no access record');
  return last;
}

const URL = '/v1/products/customer360/entities';
const adaHash = () => fx.service.runtime.keyring.hashForAudit('customer360', '1001');

describe('access records', () => {
  it('records an allowed read before answering: principal, roles, keyed entity hash, tables, columns', async () => {
    const res = await fx.service.app.inject({
      method: 'GET',
      url: `${URL}/1001?tables=customers`,
      headers: bearer(KEYS.support),
    });
    const record = await lastAccess();
    expect(record).toMatchObject({
      kind: 'access',
      requestId: res.headers['x-request-id'],
      principal: 'demo-support',
      roles: ['support'],
      action: 'read',
      product: 'customer360',
      entity: adaHash(),
      tables: ['customers'],
      outcome: 'allowed',
      status: 200,
    });
    expect(record.columns).toContain('customers.id');
    expect(record.columns).toContain(`customers.email${MASKED_SUFFIX}`);
    expect(record.columns).toContain(`customers.ssn${MASKED_SUFFIX}`);
    expect(record.columns).not.toContain(`customers.created_at${MASKED_SUFFIX}`);
  });

  it('records clear reads without masked columns', async () => {
    await fx.service.app.inject({ method: 'GET', url: `${URL}/1001/orders`, headers: bearer(KEYS.dpo) });
    const record = await lastAccess();
    expect(record.columns?.every((c) => !c.endsWith(MASKED_SUFFIX))).toBe(true);
    expect(record.tables).toEqual(['orders']);
  });

  it('records refusals: 401 as anonymous, 403 and 404 with the principal, always with the hash', async () => {
    await fx.service.app.inject({ method: 'GET', url: `${URL}/1001` });
    expect(await lastAccess()).toMatchObject({
      principal: 'anonymous',
      roles: [],
      outcome: 'denied',
      status: 401,
      entity: adaHash(),
    });
    await fx.service.app.inject({ method: 'GET', url: `${URL}/1001`, headers: bearer(KEYS.auditor) });
    expect(await lastAccess()).toMatchObject({ principal: 'demo-auditor', outcome: 'denied', status: 403 });
    await fx.service.app.inject({ method: 'GET', url: `${URL}/424242`, headers: bearer(KEYS.support) });
    expect(await lastAccess()).toMatchObject({
      outcome: 'not-found',
      status: 404,
      entity: fx.service.runtime.keyring.hashForAudit('customer360', '424242'),
    });
    await fx.service.app.inject({
      method: 'GET',
      url: '/v1/products/elsewhere/entities/1001',
      headers: bearer(KEYS.support),
    });
    const unknown = await lastAccess();
    expect(unknown).toMatchObject({ outcome: 'not-found', status: 404 });
    expect(unknown.product).toBeUndefined();
    expect(unknown.entity).toBeUndefined();
  });

  it('never writes a raw id or entity data into the log', async () => {
    const records = await fx.auditRecords();
    for (const record of records) {
      const line = JSON.stringify(record);
      for (const value of [ADA.email, ADA.ssn, ADA.last_name, ADA.phone]) expect(line).not.toContain(value);
      if (record.kind === 'access' && record.entity !== undefined) {
        expect(record.entity).toMatch(/^[0-9a-f]{64}$/);
        expect(record.entity).not.toBe('1001');
      }
    }
  });

  it('records callers whose names and roles the log would refuse as they are (JWT text), without failing', async () => {
    const app = await buildApp({
      runtime: fx.service.runtime,
      ...(fx.service.audit === undefined ? {} : { audit: fx.service.audit }),
      authenticator: {
        authenticate: async () => makePrincipal('s'.repeat(300), ['support', 'line\nbreak', ''], 'jwt'),
      },
      rateLimit: false,
    });
    try {
      const res = await app.inject({ method: 'GET', url: `${URL}/1001` });
      expect(res.statusCode).toBe(200);
      const record = await lastAccess();
      expect(record.principal).toHaveLength(256);
      expect(record.roles).toEqual(['support', 'line?break', '?']);
    } finally {
      await app.close();
    }
  });

  it('does not audit routes that touch no entity data', async () => {
    const before = (await fx.auditRecords()).length;
    await fx.service.app.inject({ method: 'GET', url: '/v1/products', headers: bearer(KEYS.support) });
    await fx.service.app.inject({ method: 'GET', url: '/healthz' });
    expect((await fx.auditRecords()).length).toBe(before);
  });
});
