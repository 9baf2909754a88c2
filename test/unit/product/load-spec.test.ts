import { describe, expect, it } from 'vitest';
import { formatDocumentError, formatPath } from '../../../src/config/document-error.js';
import { CellarError } from '../../../src/errors.js';
import { loadSpec, parseSpec, specErrors } from '../../../src/product/load-spec.js';
import {
  FIXTURE_ENV,
  FIXTURE_SPEC,
  fixtureTree,
  type SpecTree,
  specErrorsOf,
  useSpecWriter,
} from './spec-fixture.js';

const write = useSpecWriter();

/** Loads the fixture changed by `mutate` and returns the problem at `path` (failing if absent). */
function problemAt(mutate: (spec: SpecTree) => void, path: string) {
  const tree = fixtureTree();
  mutate(tree);
  const file = write(tree);
  const errors = specErrorsOf(file);
  const found = errors.find((e) => formatPath(e.path) === path);
  if (found === undefined) {
    throw new Error(`no problem at ${path}; got:\n${errors.map(formatDocumentError).join('\n')}`);
  }
  expect(found.file).toBe(file);
  expect(found.line).toBeGreaterThan(0);
  expect(found.column).toBeGreaterThan(0);
  expect(formatDocumentError(found)).toContain(`:${found.line}:${found.column}: ${path}: `);
  return found;
}

describe('loadSpec of a valid spec', () => {
  it('loads the fixture and substitutes the environment', () => {
    const { file, spec } = loadSpec(FIXTURE_SPEC, FIXTURE_ENV);
    expect(file).toBe(FIXTURE_SPEC);
    expect(spec.product).toBe('customer360');
    expect((spec.sources!.crm as { url?: unknown }).url).toBe(FIXTURE_ENV.CRM_DATABASE_URL);
    expect((spec.sources!.events as { brokers?: unknown }).brokers).toBe('localhost:9092');
  });

  it('names an unset variable and where it is used', () => {
    const errors = specErrorsOf(FIXTURE_SPEC, {});
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: FIXTURE_SPEC, path: ['sources', 'crm', 'url'], line: 31 });
    expect(errors[0]?.message).toContain('environment variable CRM_DATABASE_URL is not set');
  });

  it('parses text already in memory', () => {
    const text =
      'product: p\nversion: "2"\nowner: o\nentity: { name: e }\ntables:\n  t: { root: true, primaryKey: [id], entityId: id, columns: { id: { type: text } } }\n';
    expect(parseSpec(text, '/virtual/p.yaml', {}).spec.version).toBe('2');
  });

  it('reports a missing file as a spec problem', () => {
    const errors = specErrorsOf('/no/such/spec.yaml');
    expect(errors).toEqual([
      { file: '/no/such/spec.yaml', path: [], line: undefined, column: undefined, message: 'no such file' },
    ]);
  });
});

describe('loadSpec shape errors', () => {
  it('says which column types exist when one is misspelt', () => {
    const p = problemAt(
      (s) => (s.tables.orders.columns.total.type = 'decmal'),
      'tables.orders.columns.total.type',
    );
    expect(p.message).toBe(
      'expected one of integer, decimal, real, text, boolean, date, timestamp, timestamptz, uuid, json, bytes; got "decmal"',
    );
  });

  it('names an unknown key and the keys allowed there', () => {
    const p = problemAt(
      (s) => (s.tables.orders.columns.total.masks = {}),
      'tables.orders.columns.total.masks',
    );
    expect(p.message).toBe(
      'unknown key "masks"; expected one of type, pii, mask, tokenize, deterministic, scale',
    );
  });

  it('says what a missing key should hold', () => {
    const p = problemAt((s) => delete s.owner, 'owner');
    expect(p.message).toBe('missing; expected a non-empty string');
  });

  it('explains a version YAML read as a number', () => {
    const p = problemAt((s) => (s.version = 1.5), 'version');
    expect(p.message).toMatch(/^expected a version text such as "1.0.0" .*; got 1.5$/);
  });

  it('rejects a wrong access flag type and an empty table list', () => {
    expect(problemAt((s) => (s.access.support.read = 'yes'), 'access.support.read').message).toBe(
      'expected true or false; got "yes"',
    );
    expect(problemAt((s) => (s.tables.orders.primaryKey = []), 'tables.orders.primaryKey').message).toContain(
      'expected a list of a column name (at least one); got an empty one',
    );
  });

  it('collects every problem, not just the first', () => {
    const tree = fixtureTree();
    tree.tables.orders.columns.total.type = 'money';
    tree.tables.order_items.columns.qty.pii = 'no';
    tree.sources.crm.type = 'mysql';
    const errors = specErrorsOf(write(tree));
    expect(errors.map((e) => formatPath(e.path))).toEqual([
      'tables.orders.columns.total.type',
      'tables.order_items.columns.qty.pii',
      'sources.crm.type',
    ]);
  });
});

/** [what breaks, change, path of the problem, text its message must contain]. */
const SEMANTIC_CASES: [string, (s: SpecTree) => void, string, string][] = [
  [
    'no root table',
    (s) => delete s.tables.customers.root,
    'tables',
    'expected exactly one table with root: true',
  ],
  [
    'two root tables',
    (s) => (s.tables.orders.root = true),
    'tables.orders.root',
    'customers is already the root',
  ],
  [
    'root without entityId',
    (s) => delete s.tables.customers.entityId,
    'tables.customers',
    'the root table needs entityId',
  ],
  [
    'root keyed by other columns',
    (s) => s.tables.customers.primaryKey.push('email'),
    'tables.customers.primaryKey',
    'expected [id] (the entityId)',
  ],
  [
    'root with a parent',
    (s) => (s.tables.customers.parent = { table: 'orders', key: 'id' }),
    'tables.customers.parent',
    'the root table cannot have a parent',
  ],
  [
    'child with neither route',
    (s) => delete s.tables.orders.entityId,
    'tables.orders',
    'expected exactly one of entityId',
  ],
  [
    'child with both routes',
    (s) => (s.tables.order_items.entityId = 'order_id'),
    'tables.order_items.parent',
    'both are given',
  ],
  [
    'unknown primary key column',
    (s) => (s.tables.orders.primaryKey = ['idd']),
    'tables.orders.primaryKey[0]',
    'expected a column of orders (id, customer_id, total, status, placed_at); got "idd"',
  ],
  [
    'primary key column twice',
    (s) => (s.tables.orders.primaryKey = ['id', 'id']),
    'tables.orders.primaryKey[1]',
    'id is listed twice',
  ],
  [
    'unknown entityId column',
    (s) => (s.tables.orders.entityId = 'cust'),
    'tables.orders.entityId',
    'expected a column of orders',
  ],
  [
    'unknown parent.key column',
    (s) => (s.tables.order_items.parent.key = 'order'),
    'tables.order_items.parent.key',
    'expected a column of order_items (id, order_id, sku, qty); got "order"',
  ],
  [
    'unknown parent table',
    (s) => (s.tables.order_items.parent.table = 'order'),
    'tables.order_items.parent.table',
    'expected one of customers, orders; got "order"',
  ],
  [
    'own parent',
    (s) => (s.tables.order_items.parent.table = 'order_items'),
    'tables.order_items.parent.table',
    'a table cannot be its own parent',
  ],
  [
    'parent with a composite key',
    (s) => s.tables.orders.primaryKey.push('customer_id'),
    'tables.order_items.parent.table',
    'single-column primary key; orders has [id, customer_id]',
  ],
  [
    'parent key of another type',
    (s) => (s.tables.order_items.columns.order_id.type = 'text'),
    'tables.order_items.parent.key',
    'expected a column of type integer like orders.id; order_id is text',
  ],
  [
    'mask function unknown',
    (s) => (s.tables.customers.columns.email.mask.support = 'emial'),
    'tables.customers.columns.email.mask.support',
    'expected one of clear, redact, partial, email, hash, null, year, round; got "emial"',
  ],
  [
    'partial with one argument',
    (s) => (s.tables.customers.columns.first_name.mask.default = 'partial(1)'),
    'tables.customers.columns.first_name.mask.default',
    'expected partial(characters kept at the start, characters kept at the end); got 1 argument(s)',
  ],
  [
    'partial with a negative argument',
    (s) => (s.tables.customers.columns.first_name.mask.default = 'partial(-1,0)'),
    'tables.customers.columns.first_name.mask.default',
    'with non-negative integers; got "-1"',
  ],
  [
    'round without an integer',
    (s) => (s.tables.orders.columns.total.mask = { default: 'round(x)' }),
    'tables.orders.columns.total.mask.default',
    'expected round(digits after the point) with integers; got "x"',
  ],
  [
    'mask that does not fit the type',
    (s) => (s.tables.customers.columns.birth_date.mask.default = 'email'),
    'tables.customers.columns.birth_date.mask.default',
    'expected a mask that fits a date column; email does not',
  ],
  [
    'mask profile no role uses',
    (s) => (s.tables.customers.columns.email.mask = { suport: 'email' }),
    'tables.customers.columns.email.mask.suport',
    'expected default or a mask profile used in access (default, support, analyst, dpo, auditor); no role uses "suport"',
  ],
  [
    'source mapping to an unknown table',
    (s) => (s.sources.crm.tables['public.orders'] = 'order'),
    'sources.crm.tables["public.orders"]',
    'expected a table of this product (customers, orders, order_items); got "order"',
  ],
  [
    'kafka mapping to an unknown table',
    (s) => (s.sources.events.topics['crm.public.orders'] = 'orderz'),
    'sources.events.topics["crm.public.orders"]',
    'expected a table of this product',
  ],
  [
    'file source without path',
    (s) => delete s.sources.sample.path,
    'sources.sample.path',
    'missing; a file source needs path',
  ],
  [
    'postgres source without url',
    (s) => delete s.sources.crm.url,
    'sources.crm.url',
    'missing; a postgres-cdc source needs url',
  ],
  [
    'postgres source without tables',
    (s) => delete s.sources.crm.tables,
    'sources.crm.tables',
    'missing; expected a map of source table',
  ],
  [
    'kafka source with tables and topics',
    (s) => (s.sources.events.tables = { a: 'orders' }),
    'sources.events.tables',
    'expected topics or tables, not both',
  ],
  [
    'topics on a postgres source',
    (s) => (s.sources.crm.topics = { a: 'orders' }),
    'sources.crm.topics',
    'topics is for kafka sources',
  ],
  [
    'kafka source without brokers',
    (s) => (s.sources.events.brokers = 42),
    'sources.events.brokers',
    'expected broker addresses',
  ],
  [
    'table name not an identifier',
    (s) => (s.tables['order-lines'] = s.tables.order_items),
    'tables.order-lines',
    'expected a SQL identifier ([A-Za-z_][A-Za-z0-9_]*); got "order-lines"',
  ],
  [
    'table name with the _cellar prefix',
    (s) => (s.tables._cellar_meta = s.tables.order_items),
    'tables._cellar_meta',
    'reserved for Cellar',
  ],
  [
    'column name with the sqlite_ prefix',
    (s) => (s.tables.orders.columns.sqlite_x = { type: 'text' }),
    'tables.orders.columns.sqlite_x',
    'reserved by SQLite',
  ],
  [
    'column names equal but for case',
    (s) => (s.tables.orders.columns.Status = { type: 'text' }),
    'tables.orders.columns.Status',
    'clashes with status',
  ],
  [
    'source name with a slash',
    (s) => (s.sources['crm/2'] = s.sources.sample),
    'sources["crm/2"]',
    'expected a source name',
  ],
  [
    'scale on a text column',
    (s) => (s.tables.orders.columns.status.scale = 2),
    'tables.orders.columns.status.scale',
    'scale applies to decimal columns; this one is text',
  ],
  [
    'tokenize on an integer',
    (s) => (s.tables.order_items.columns.qty.tokenize = 'opaque'),
    'tables.order_items.columns.qty.tokenize',
    'tokenize applies to text columns; this one is integer',
  ],
  [
    'tokenize on a key column',
    (s) => {
      s.tables.order_items.primaryKey.push('sku');
      s.tables.order_items.columns.sku.tokenize = 'opaque';
    },
    'tables.order_items.columns.sku.tokenize',
    'a key column cannot be tokenized',
  ],
  [
    'deterministic without tokenize',
    (s) => (s.tables.orders.columns.status.deterministic = true),
    'tables.orders.columns.status.deterministic',
    'deterministic applies only to tokenized columns',
  ],
];

describe('loadSpec semantic errors', () => {
  it.each(SEMANTIC_CASES)('%s', (_what, mutate, path, expected) => {
    expect(problemAt(mutate, path).message).toContain(expected);
  });

  it('reports a parent cycle once, with the loop', () => {
    const tree = fixtureTree();
    tree.tables.a = {
      primaryKey: ['id'],
      parent: { table: 'b', key: 'b_id' },
      columns: { id: { type: 'integer' }, b_id: { type: 'integer' } },
    };
    tree.tables.b = {
      primaryKey: ['id'],
      parent: { table: 'a', key: 'a_id' },
      columns: { id: { type: 'integer' }, a_id: { type: 'integer' } },
    };
    const errors = specErrorsOf(write(tree));
    expect(errors).toHaveLength(1);
    expect(formatPath(errors[0]!.path)).toBe('tables.a.parent.table');
    expect(errors[0]?.message).toContain('it loops: a → b → a');
  });

  it('accepts a mask profile used by no role when it is default, and clear masks', () => {
    const tree = fixtureTree();
    tree.tables.orders.columns.total.mask = { default: 'round(-1)', dpo: 'clear' };
    expect(() => loadSpec(write(tree), FIXTURE_ENV)).not.toThrow();
  });
});

describe('specErrors', () => {
  it('returns the structured problems of a spec error and nothing for other errors', () => {
    let caught: unknown;
    try {
      loadSpec('/no/such/spec.yaml');
    } catch (err) {
      caught = err;
    }
    expect(specErrors(caught)).toHaveLength(1);
    expect(specErrors(new CellarError('CELLAR_ERR_SPEC_INVALID'))).toEqual([]);
    expect(specErrors(new Error('x'))).toEqual([]);
  });
});
