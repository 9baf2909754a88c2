/**
 * Random requests to the HTTP service for property tests: any route, id, credential, body and
 * SQL (`anyRequest`), and reads by masked roles of entities that exist (`maskedRead`).
 */
import fc from 'fast-check';
import { generateSample } from '../../../config/samples/generate.js';
import { DEMO_KEYS } from './demo-service.js';

/** The demo sample; its first entities are the ids requests mostly name. */
export const sample = generateSample();
export const knownIds = [...sample.expected.keys()].slice(0, 40);
const TABLES = ['customers', 'orders', 'order_items'];
const COLUMNS: Readonly<Record<string, readonly string[]>> = {
  customers: ['id', 'first_name', 'last_name', 'email', 'ssn', 'phone', 'birth_date', 'created_at'],
  orders: ['id', 'customer_id', 'total', 'status', 'placed_at'],
  order_items: ['id', 'order_id', 'sku', 'qty'],
};

export type Role = keyof typeof DEMO_KEYS;

const role = fc.constantFrom<Role>('support', 'analyst', 'dpo', 'auditor');
const id = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...knownIds) },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }) },
  { weight: 1, arbitrary: fc.integer({ min: -5, max: 10_000_000 }).map(String) },
);
const product = fc.oneof(
  { weight: 5, arbitrary: fc.constant('customer360') },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
);
const table = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...TABLES) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);
const authorization = fc.oneof(
  { weight: 6, arbitrary: role.map((r) => `Bearer ${DEMO_KEYS[r]}`) },
  { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map((s) => `Bearer ${s}`) },
  { weight: 1, arbitrary: fc.constant('Bearer a.b.c') },
);

const columnExpr = (t: string) =>
  fc
    .constantFrom(...(COLUMNS[t] ?? ['id']))
    .chain((c) =>
      fc.constantFrom(
        c,
        `upper(${c})`,
        `substr(${c}, 1, 3)`,
        `hex(${c})`,
        `quote(${c})`,
        `${c} || ''`,
        `length(${c})`,
        `typeof(${c})`,
      ),
    );
const sql = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .constantFrom(...TABLES)
      .chain((t) =>
        fc
          .tuple(
            fc.array(columnExpr(t), { minLength: 1, maxLength: 4 }),
            fc.constantFrom('', ' LIMIT 3', ' ORDER BY 1 DESC', ' WHERE id > ?'),
          )
          .map(([cols, tail]) => `SELECT ${cols.join(', ')} FROM ${t}${tail}`),
      ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'SELECT * FROM _cellar_vault',
      'SELECT * FROM _cellar_meta',
      'PRAGMA table_info(customers)',
      "ATTACH 'x' AS y",
      'SELECT 1; DROP TABLE customers',
      'WITH x AS (SELECT 1) DELETE FROM customers',
      "SELECT load_extension('x')",
      'SELECT name FROM sqlite_master',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 80 }) },
);
const body = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      sql,
      params: fc.option(fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 5 })), { maxLength: 2 }), {
        nil: undefined,
      }),
    }),
  },
  { weight: 1, arbitrary: fc.jsonValue() },
);

export interface Call {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly payload?: unknown;
  /** Whose data, when the call reads an entity with a known role. */
  readonly entity?: { readonly id: string; readonly role: Role | undefined };
}

const keyRole = (auth: string): Role | undefined =>
  (Object.keys(DEMO_KEYS) as Role[]).find((r) => auth === `Bearer ${DEMO_KEYS[r]}`);

const enc = encodeURIComponent;
const weighted = <T>(weight: number, arbitrary: fc.Arbitrary<T>) => ({ weight, arbitrary });
/** Any request, valid or not, to any route. */
export const anyRequest: fc.Arbitrary<Call> = fc.oneof(
  weighted(
    4,
    fc
      .record({
        p: product,
        i: id,
        a: authorization,
        t: fc.option(
          fc.array(table, { maxLength: 3 }).map((l) => l.join(',')),
          { nil: undefined },
        ),
      })
      .map(
        ({ p, i, a, t }): Call => ({
          method: 'GET',
          url: `/v1/products/${enc(p)}/entities/${enc(i)}${t === undefined ? '' : `?tables=${enc(t)}`}`,
          headers: { authorization: a },
          entity: { id: i, role: keyRole(a) },
        }),
      ),
  ),
  weighted(
    3,
    fc
      .record({
        p: product,
        i: id,
        t: table,
        a: authorization,
        limit: fc.oneof(
          { weight: 4, arbitrary: fc.integer({ min: 0, max: 1000 }).map(String) },
          { weight: 1, arbitrary: fc.integer({ min: -2, max: 2000 }).map(String) },
          { weight: 1, arbitrary: fc.string({ maxLength: 4 }) },
        ),
        offset: fc.integer({ min: -1, max: 20 }),
      })
      .map(
        ({ p, i, t, a, limit, offset }): Call => ({
          method: 'GET',
          url: `/v1/products/${enc(p)}/entities/${enc(i)}/${enc(t)}?limit=${enc(limit)}&offset=${offset}`,
          headers: { authorization: a },
          entity: { id: i, role: keyRole(a) },
        }),
      ),
  ),
  weighted(
    3,
    fc
      .record({
        i: id,
        a: authorization,
        b: body,
        ct: fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded'),
      })
      .map(
        ({ i, a, b, ct }): Call => ({
          method: 'POST',
          url: `/v1/products/customer360/entities/${enc(i)}/query`,
          headers: { authorization: a, 'content-type': ct },
          payload: ct === 'application/json' ? JSON.stringify(b) : String(JSON.stringify(b)),
          entity: { id: i, role: keyRole(a) },
        }),
      ),
  ),
  weighted(
    1,
    fc
      .record({
        path: fc.webPath(),
        a: authorization,
        m: fc.constantFrom<'GET' | 'POST' | 'DELETE'>('GET', 'POST', 'DELETE'),
      })
      .map(
        ({ path, a, m }): Call => ({
          method: m,
          url: path === '' ? '/' : path,
          headers: { authorization: a },
        }),
      ),
  ),
  weighted(
    1,
    fc
      .record({ q: fc.webQueryParameters(), a: authorization })
      .map(({ q, a }): Call => ({ method: 'GET', url: `/v1/audit?${q}`, headers: { authorization: a } })),
  ),
);

/** Reads by a masked role of an entity that exists, through every route that returns data. */
export const maskedRead: fc.Arbitrary<Call> = fc
  .record({
    r: fc.constantFrom<Role>('support', 'analyst'),
    i: fc.constantFrom(...knownIds),
    route: fc.constantFrom('entity', 'table', 'query'),
    t: fc.constantFrom(...TABLES),
    s: sql,
  })
  .map(({ r, i, route, t, s: text }): Call => {
    const role: Role = route === 'query' ? 'analyst' : r;
    const headers = { authorization: `Bearer ${DEMO_KEYS[role]}` };
    const base = `/v1/products/customer360/entities/${enc(i)}`;
    const entity = { id: i, role };
    if (route === 'entity') return { method: 'GET', url: base, headers, entity };
    if (route === 'table') return { method: 'GET', url: `${base}/${t}?limit=1000`, headers, entity };
    return {
      method: 'POST',
      url: `${base}/query`,
      headers,
      payload: JSON.stringify({ sql: text, params: [0] }),
      entity,
    };
  });
