/**
 * The serving acceptance on the embedded demo: the shipped product and sample, synced, served
 * in-process (app.inject) with the documented demo keys.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSample } from '../../config/samples/generate.js';
import type { CellarService } from '../../src/api/service.js';
import type { AccessRecord } from '../../src/governance/audit/audit-record.js';
import { verifyAudit } from '../../src/governance/audit/verify.js';
import { DEMO_KEYS, type DemoCopy, openDemoService } from './support/demo-service.js';

let service: CellarService;
let demo: DemoCopy;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ service, demo, close } = await openDemoService());
});
afterAll(() => close?.());

const ADA = generateSample().expected.get('1001')?.customers;
const ENTITY = '/v1/products/customer360/entities';

function get(url: string, key?: string) {
  return service.app.inject({
    method: 'GET',
    url,
    headers: key === undefined ? {} : { authorization: `Bearer ${key}` },
  });
}

function query(sql: string, key: string, params?: unknown) {
  return service.app.inject({
    method: 'POST',
    url: `${ENTITY}/1001/query`,
    headers: { authorization: `Bearer ${key}` },
    payload: params === undefined ? { sql } : { sql, params },
  });
}

const accessRecords = () => demo.auditRecords().filter((r): r is AccessRecord => r.kind === 'access');

describe('the demo served over HTTP', () => {
  it('has Ada in the sample', () => {
    expect(ADA).toMatchObject({
      first_name: 'Ada',
      last_name: 'Lovelace',
      email: 'ada.lovelace@example.com',
    });
  });

  it('support key → Ada with email and SSN masked', async () => {
    const res = await get(`${ENTITY}/1001`, DEMO_KEYS.support);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.product).toBe('customer360');
    expect(body.id).toBe('1001');
    expect(body.data.customers.email).toBe('a***@example.com');
    expect(body.data.customers.ssn).toBe('****');
    expect(body.data.customers.first_name).toBe('A**');
    expect(Array.isArray(body.data.orders)).toBe(true);
    expect(body.data.orders.length).toBeGreaterThan(0);
    for (const clear of ['ada.lovelace@example.com', '078-05-1120', 'Lovelace'])
      expect(res.body).not.toContain(clear);
  });

  it('dpo key → Ada in the clear', async () => {
    const res = await get(`${ENTITY}/1001`, DEMO_KEYS.dpo);
    expect(res.statusCode).toBe(200);
    expect(res.json().data.customers).toEqual(ADA);
  });

  it('no key → 401', async () => {
    const res = await get(`${ENTITY}/1001`);
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('CELLAR_ERR_AUTH_UNAUTHENTICATED');
  });

  it('analyst → one table, masked', async () => {
    const res = await get(`${ENTITY}/1001/customers`, DEMO_KEYS.analyst);
    expect(res.statusCode).toBe(200);
    const [row] = res.json().rows;
    expect(row.email).toMatch(/^[0-9a-f]{32}$/);
    expect(row.birth_date).toBe(1815);
    const orders = await get(`${ENTITY}/1001/orders?limit=1`, DEMO_KEYS.analyst);
    expect(orders.json().rows).toHaveLength(1);
  });

  it('?tables= narrows the entity', async () => {
    const res = await get(`${ENTITY}/1001?tables=orders`, DEMO_KEYS.support);
    expect(Object.keys(res.json().data)).toEqual(['orders']);
  });

  it('query route for the analyst: masked values only, _cellar tables invisible, forbidden SQL → 400', async () => {
    const ok = await query(
      'SELECT first_name, last_name, email, ssn, phone FROM customers',
      DEMO_KEYS.analyst,
    );
    expect(ok.statusCode).toBe(200);
    const [row] = ok.json().rows;
    expect(row.slice(0, 2)).toEqual(['A**', 'L*******']);
    for (const clear of Object.values(ADA ?? {})) {
      if (typeof clear === 'string' && clear.length > 4) expect(ok.body).not.toContain(clear);
    }
    const names = await query('SELECT group_concat(name) FROM pragma_table_list', DEMO_KEYS.analyst);
    expect(names.statusCode).toBe(400);
    const master = await query('SELECT name FROM sqlite_master', DEMO_KEYS.analyst);
    expect(master.statusCode).toBe(400);
    const vault = await query('SELECT * FROM _cellar_vault', DEMO_KEYS.analyst);
    expect(vault.statusCode).toBe(400);
    expect(vault.json().error.code).toBe('CELLAR_ERR_QUERY_REJECTED');
    const write = await query('UPDATE customers SET email = 1', DEMO_KEYS.analyst);
    expect(write.json().error.code).toBe('CELLAR_ERR_QUERY_REJECTED');
    const tables = await query(
      'SELECT count(*) FROM customers, orders WHERE orders.customer_id = ?',
      DEMO_KEYS.analyst,
      [1001],
    );
    expect(tables.statusCode).toBe(200);
  });

  it('support may not query → 403, and the refusal is audited', async () => {
    const res = await query('SELECT 1', DEMO_KEYS.support);
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('CELLAR_ERR_AUTH_FORBIDDEN');
    expect(accessRecords().at(-1)).toMatchObject({
      action: 'query',
      principal: 'demo-support',
      outcome: 'denied',
      status: 403,
      entity: service.runtime.keyring.hashForAudit('customer360', '1001'),
    });
  });

  it('unknown entity → 404; a role without read → 403 with the same body whether or not it exists', async () => {
    const missing = await get(`${ENTITY}/99999999`, DEMO_KEYS.support);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('CELLAR_ERR_ENTITY_NOT_FOUND');
    const forbiddenExisting = await get(`${ENTITY}/1001`, DEMO_KEYS.auditor);
    const forbiddenMissing = await get(`${ENTITY}/99999999`, DEMO_KEYS.auditor);
    expect(forbiddenExisting.statusCode).toBe(403);
    expect(forbiddenMissing.statusCode).toBe(403);
    expect(forbiddenMissing.body).toBe(forbiddenExisting.body);
  });

  it('/metrics has the named metrics', async () => {
    const res = await service.app.inject({ method: 'GET', url: '/metrics' });
    for (const name of [
      'cellar_http_request_duration_seconds_bucket',
      'cellar_sync_events_applied_total',
      'cellar_sync_lag_seconds',
      'cellar_sync_dead_letters_total',
      'cellar_cache_hits_total',
      'cellar_cache_misses_total',
      'cellar_sync_flush_duration_seconds_bucket',
      'cellar_audit_queue_depth',
    ]) {
      expect(res.body, name).toContain(name);
    }
  });

  it('/openapi.json lists the routes', async () => {
    const doc = (await service.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/products',
        '/v1/products/{product}',
        '/v1/products/{product}/entities/{id}',
        '/v1/products/{product}/entities/{id}/{table}',
        '/v1/products/{product}/entities/{id}/query',
        '/v1/audit',
        '/v1/audit/verify',
      ]),
    );
  });

  it('the catalog counts the demo customers and says how fresh they are', async () => {
    const res = await get('/v1/products', DEMO_KEYS.support);
    const [entry] = res.json().products;
    expect(entry.entities).toBe(generateSample().expected.size);
    expect(entry.freshness.sources).toEqual([
      expect.objectContaining({ name: 'sample', type: 'file', lastEventAt: expect.any(String) }),
    ]);
  });

  it('audits allowed and refused requests with hashed entity ids only, and no personal data', async () => {
    await service.audit?.flush();
    const records = demo.auditRecords();
    const access = records.filter((r): r is AccessRecord => r.kind === 'access');
    const outcomes = new Set(access.map((r) => r.outcome));
    for (const outcome of ['allowed', 'denied', 'not-found'] as const)
      expect(outcomes.has(outcome), outcome).toBe(true);
    const adaHash = service.runtime.keyring.hashForAudit('customer360', '1001');
    expect(access.some((r) => r.entity === adaHash && r.outcome === 'allowed')).toBe(true);
    for (const record of records) {
      if (record.kind === 'access' && record.entity !== undefined) {
        expect(record.entity).toMatch(/^[0-9a-f]{64}$/);
        expect(record.entity).not.toBe('1001');
      }
      if (record.kind === 'flush') for (const e of record.entities) expect(e).toMatch(/^[0-9a-f]{64}$/);
      const line = JSON.stringify(record);
      for (const value of ['ada.lovelace@example.com', 'Lovelace', '078-05-1120', '+44 20 7946 0018']) {
        expect(line).not.toContain(value);
      }
    }
    expect(records.some((r) => r.kind === 'flush')).toBe(true);
    expect((await verifyAudit(demo.auditDir)).ok).toBe(true);
  });
});
