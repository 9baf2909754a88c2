import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CellarError, isCellarError } from '../../../../src/errors.js';
import { maskPlanFor } from '../../../../src/governance/masking/effective-mask.js';
import { installMasking } from '../../../../src/governance/masking/mask-install.js';
import { maskTransformFor } from '../../../../src/governance/masking/mask-sql.js';
import { QueryProcessPool, workerModule } from '../../../../src/governance/query/query-pool.js';
import { closeQuerySandbox, runMaskedQuery } from '../../../../src/governance/query/query-sandbox.js';
import type { MicroDb } from '../../../../src/microdb/micro-db.js';
import type { Product } from '../../../../src/product/types.js';
import { ada, kindsEntity, loadCustomer360, loadKinds, testKey } from '../masking/fixtures.js';

const UNBOUNDED = 'WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM r) SELECT count(*) FROM r';

const customer360 = loadCustomer360();
const kinds = loadKinds();
let uninstall: () => void;
let adaDb: MicroDb;
let thing: MicroDb;
const entity = (product: Product, db: MicroDb) => ({ product, db });

beforeAll(() => {
  uninstall = installMasking((product) => testKey(product === 'kinds' ? 6 : 7));
  adaDb = ada(customer360);
  thing = kindsEntity(kinds);
});
afterAll(async () => {
  await closeQuerySandbox();
  adaDb.close();
  thing.close();
  uninstall();
});

async function failure(promise: Promise<unknown>): Promise<CellarError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof CellarError) return err;
    throw err;
  }
  throw new Error('expected a CellarError');
}

/** Every scalar of a read, flattened. */
function scalars(value: unknown): unknown[] {
  if (Array.isArray(value)) return value.flatMap(scalars);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(scalars);
  return [value];
}

describe('runMaskedQuery', () => {
  it('shows a masked role exactly the masked read, in a worker process', async () => {
    const support = maskPlanFor(customer360, ['support']);
    const result = await runMaskedQuery(entity(customer360, adaDb), support, 'SELECT * FROM customers', []);
    const read = adaDb.read(['customers'], maskTransformFor(customer360, support)) as Record<string, object>;
    expect(result.columns).toEqual(Object.keys(read.customers ?? {}));
    expect(result.rows).toEqual([Object.values(read.customers ?? {})]);
    expect(result.truncated).toBe(false);
  });

  it('never lets a masked role see a clear value of a masked column, whatever it selects', async () => {
    const queries = [
      'SELECT * FROM customers',
      "SELECT first_name || '|' || last_name || '|' || email || '|' || ssn || '|' || phone || '|' || birth_date FROM customers",
      "SELECT group_concat(email) FROM customers WHERE email LIKE 'ada%' OR email LIKE '%lovelace%'",
      "SELECT count(*) FROM customers WHERE ssn = '078-05-1120' OR first_name = 'Ada' OR birth_date = '1815-12-10'",
      'SELECT hex(email), length(first_name), unicode(last_name) FROM customers',
    ];
    const clear = [
      'Ada',
      'Lovelace',
      'ada.lovelace@example.com',
      '078-05-1120',
      '+44 20 7946 0018',
      '1815-12-10',
    ];
    for (const role of ['support', 'analyst']) {
      const plan = maskPlanFor(customer360, [role]);
      for (const sql of queries) {
        const result = await runMaskedQuery(entity(customer360, adaDb), plan, sql, []);
        const text = JSON.stringify(result.rows);
        for (const value of clear) expect(text, `${role}: ${sql}`).not.toContain(value);
        if (sql.startsWith('SELECT count')) expect(result.rows).toEqual([[0]]);
      }
      const hexEmail = await runMaskedQuery(
        entity(customer360, adaDb),
        plan,
        'SELECT hex(email) FROM customers',
        [],
      );
      expect(hexEmail.rows[0]?.[0]).not.toBe(
        Buffer.from('ada.lovelace@example.com').toString('hex').toUpperCase(),
      );
    }
  });

  it('matches the masked read for every role of a product with every column type', async () => {
    for (const plan of Object.values(kinds.maskPlans)) {
      const result = await runMaskedQuery(entity(kinds, thing), plan, 'SELECT * FROM events ORDER BY id', []);
      const read = thing.read(['events'], maskTransformFor(kinds, plan)) as { events: object[] };
      expect(result.rows, plan.role).toEqual(read.events.map((row) => Object.values(row)));
      const all = scalars(read.events);
      expect(scalars(result.rows)).toEqual(all);
    }
  });

  it('shows a clear role the stored values', async () => {
    const result = await runMaskedQuery(
      entity(customer360, adaDb),
      maskPlanFor(customer360, ['dpo']),
      'SELECT email, ssn FROM customers',
      [],
    );
    expect(result.rows).toEqual([['ada.lovelace@example.com', '078-05-1120']]);
  });

  it('binds positional and named parameters', async () => {
    const plan = maskPlanFor(customer360, ['analyst']);
    const handle = entity(customer360, adaDb);
    const positional = await runMaskedQuery(
      handle,
      plan,
      'SELECT id, total FROM orders WHERE status = ? AND id > ?',
      ['open', 1],
    );
    expect(positional.rows).toEqual([[2, '9.99']]);
    const named = await runMaskedQuery(
      handle,
      plan,
      'SELECT sku FROM order_items WHERE order_id = :order AND qty >= @qty',
      {
        order: 1,
        '@qty': 2,
      },
    );
    expect(named.rows).toEqual([['BOOK-1']]);
  });

  it('cuts rows past maxRows and says so', async () => {
    const plan = maskPlanFor(customer360, ['analyst']);
    const handle = entity(customer360, adaDb);
    const one = await runMaskedQuery(handle, plan, 'SELECT id FROM order_items ORDER BY id', [], {
      maxRows: 1,
    });
    expect(one).toEqual({ columns: ['id'], rows: [[10]], truncated: true });
    const many = await runMaskedQuery(
      handle,
      plan,
      'WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM r LIMIT 5000) SELECT x FROM r',
      [],
    );
    expect(many.rows).toHaveLength(1000);
    expect(many.rows[999]).toEqual([1000]);
    expect(many.truncated).toBe(true);
  });

  it('stops an unbounded recursive query at its time limit, and keeps serving', async () => {
    const plan = maskPlanFor(customer360, ['analyst']);
    const handle = entity(customer360, adaDb);
    const err = await failure(runMaskedQuery(handle, plan, UNBOUNDED, [], { timeoutMs: 300 }));
    expect(err.code).toBe('CELLAR_ERR_QUERY_TIMEOUT');
    expect(err.message).toBe('the query ran longer than 300 ms and was stopped');
    const after = await runMaskedQuery(handle, plan, 'SELECT count(*) FROM orders', []);
    expect(after.rows).toEqual([[2]]);
  });

  it('rejects forbidden SQL before building anything, and reports SQLite errors', async () => {
    const plan = maskPlanFor(customer360, ['analyst']);
    const handle = entity(customer360, adaDb);
    for (const sql of [
      'select * from _cellar_vault',
      'SELECT 1; DROP TABLE customers',
      "select load_extension('x')",
    ]) {
      expect((await failure(runMaskedQuery(handle, plan, sql, []))).code).toBe('CELLAR_ERR_QUERY_REJECTED');
    }
    const invalid = await failure(runMaskedQuery(handle, plan, 'SELECT nope FROM customers', []));
    expect([invalid.code, invalid.status, invalid.message]).toEqual([
      'CELLAR_ERR_QUERY_INVALID',
      400,
      'the query failed: no such column: nope',
    ]);
    const badParam = await failure(runMaskedQuery(handle, plan, 'SELECT ?', [{ a: 1 }]));
    expect(badParam.code).toBe('CELLAR_ERR_QUERY_INVALID');
  });

  it('checks its limits', async () => {
    const handle = entity(customer360, adaDb);
    for (const limits of [{ maxRows: 0 }, { maxRows: 1.5 }, { timeoutMs: 0 }, { timeoutMs: 10 ** 9 }]) {
      expect((await failure(runMaskedQuery(handle, null, 'SELECT 1', [], limits))).code).toBe(
        'CELLAR_ERR_QUERY_INVALID',
      );
    }
  });
});

describe('QueryProcessPool', () => {
  it('refuses queries beyond its queue, and fails waiting ones on close', async () => {
    const pool = new QueryProcessPool(1, 2);
    const image = Buffer.alloc(0); // an empty image opens as an empty database
    const request = { image, sql: UNBOUNDED, params: [], maxRows: 10, maxBytes: 1000 };
    // Both wait for the one worker to start; the third finds the queue full.
    const accepted = Promise.allSettled([pool.run(request, 30_000), pool.run(request, 30_000)]);
    const refused = await failure(pool.run(request, 30_000));
    expect([refused.code, refused.status]).toEqual(['CELLAR_ERR_QUERY_BUSY', 503]);
    await pool.close();
    for (const outcome of await accepted) {
      expect(outcome.status).toBe('rejected');
      expect(isCellarError((outcome as PromiseRejectedResult).reason, 'CELLAR_ERR_INTERNAL')).toBe(true);
    }
    expect(pool.workerCount).toBe(0);
    expect((await failure(pool.run(request, 1000))).message).toBe('the query sandbox is closed');
  });

  it('runs queries on an empty image and reuses its worker', async () => {
    const pool = new QueryProcessPool(1, 4);
    const request = { image: Buffer.alloc(0), sql: 'SELECT 1 + 1', params: [], maxRows: 10, maxBytes: 1000 };
    const replies = await Promise.all([
      pool.run(request, 5000),
      pool.run(request, 5000),
      pool.run(request, 5000),
    ]);
    expect(replies.map((r) => r.rows)).toEqual([[[2]], [[2]], [[2]]]);
    expect(pool.workerCount).toBe(1);
    await pool.close();
  });

  it('fails waiting queries, without respawning for ever, when a worker cannot start', async () => {
    const missing = {
      ...workerModule(),
      path: fileURLToPath(new URL('./no-such-worker.mjs', import.meta.url)),
    };
    const pool = new QueryProcessPool(1, 4, missing);
    const request = { image: Buffer.alloc(0), sql: 'SELECT 1', params: [], maxRows: 10, maxBytes: 1000 };
    const outcomes = await Promise.allSettled([pool.run(request, 5000), pool.run(request, 5000)]);
    for (const outcome of outcomes) {
      const reason = (outcome as PromiseRejectedResult).reason;
      expect(isCellarError(reason, 'CELLAR_ERR_INTERNAL')).toBe(true);
      expect(String((reason as Error).message)).toContain('exited unexpectedly');
    }
    expect(pool.workerCount).toBe(0);
    await pool.close();
  });
});
