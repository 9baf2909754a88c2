/**
 * Properties of the HTTP service on the synced demo, over random paths, ids, headers, bodies and
 * SQL: it never answers with a 5xx, every error has the one error shape, a masked role never
 * receives a clear value of a masked column, and the audit log never holds a raw entity id or
 * personal data.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CellarService } from '../../src/api/service.js';
import { verifyAudit } from '../../src/governance/audit/verify.js';
import { type DemoCopy, openDemoService } from './support/demo-service.js';
import {
  anyRequest,
  type Call,
  knownIds,
  maskedRead,
  type Role,
  sample,
} from './support/request-arbitraries.js';

let service: CellarService;
let demo: DemoCopy;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ service, demo, close } = await openDemoService());
});
afterAll(() => close?.());

/** The clear values a role must never see for an entity: its masked customer columns, as JSON. */
function forbiddenFor(role: Role, id: string): string[] {
  const customer = sample.expected.get(id)?.customers as Readonly<Record<string, unknown>> | undefined;
  const plan = service.runtime.products.get('customer360').maskPlans[role];
  if (customer === undefined || plan === undefined || role === 'dpo') return [];
  const masks = plan.tables.customers ?? {};
  return Object.entries(masks)
    .filter(([, mask]) => mask !== null && mask.fn !== 'clear')
    .map(([column]) => customer[column])
    .filter((v): v is string => typeof v === 'string')
    .map((v) => JSON.stringify(v));
}

async function send(c: Call) {
  return service.app.inject({
    method: c.method,
    url: c.url,
    headers: c.headers,
    ...(c.payload === undefined ? {} : { payload: c.payload as string }),
  });
}

/** Checks one response; true when it carried entity data to a masked role (and passed). */
function check(c: Call, res: Awaited<ReturnType<typeof send>>): boolean {
  expect(res.statusCode, `${c.method} ${c.url}`).toBeLessThan(500);
  if (res.statusCode >= 400) {
    const err = res.json();
    expect(Object.keys(err)).toEqual(['error']);
    expect(err.error.code).toMatch(/^CELLAR_ERR_[A-Z_]+$/);
    expect(typeof err.error.message).toBe('string');
    expect(res.body).not.toContain('    at ');
  }
  const who = c.entity?.role;
  if (res.statusCode !== 200 || c.entity === undefined || who === undefined) return false;
  const forbidden = forbiddenFor(who, c.entity.id);
  for (const clear of forbidden) expect(res.body, `${who} ${c.url}`).not.toContain(clear);
  return forbidden.length > 0;
}

describe('the HTTP service, for any request', () => {
  it('never answers 5xx and always uses the error shape', async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(anyRequest, async (c) => {
        const res = await send(c);
        statuses.add(res.statusCode);
        check(c, res);
      }),
      { numRuns: 300 },
    );
    // The runs reached past the refusals.
    expect([...statuses]).toEqual(expect.arrayContaining([200, 400, 401, 403, 404]));
  });

  it('never shows a masked role a clear value of a masked column, by read, table or query', async () => {
    let masked = 0;
    await fc.assert(
      fc.asyncProperty(maskedRead, async (c) => {
        const res = await send(c);
        if (check(c, res)) masked += 1;
      }),
      { numRuns: 150 },
    );
    expect(masked).toBeGreaterThan(75);
  });

  it('leaves an intact audit log with keyed entity hashes only and no personal data', async () => {
    await service.audit?.flush();
    const records = demo.auditRecords();
    expect(records.filter((r) => r.kind === 'access').length).toBeGreaterThan(100);
    const secrets = knownIds.flatMap((i) => {
      const c = sample.expected.get(i)?.customers;
      return c === undefined ? [] : [c.email, c.ssn, c.phone, `"${c.last_name}"`];
    });
    for (const record of records) {
      if (record.kind === 'access' && record.entity !== undefined)
        expect(record.entity).toMatch(/^[0-9a-f]{64}$/);
      if (record.kind === 'flush') for (const e of record.entities) expect(e).toMatch(/^[0-9a-f]{64}$/);
      const line = JSON.stringify(record);
      for (const secret of secrets) expect(line).not.toContain(secret);
    }
    const verified = await verifyAudit(demo.auditDir);
    expect(verified.ok).toBe(true);
  });
});
