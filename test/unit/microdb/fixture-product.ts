import type {
  ColumnDef,
  ColumnType,
  EntityRoute,
  MaskSpec,
  Product,
  TableDef,
} from '../../../src/product/types.js';

/**
 * A hand-built compiled `customer360` product for micro-DB tests (the spec compiler is written in
 * parallel). DDL is written the way the compiler writes it.
 */

interface ColumnOptions {
  readonly scale?: number;
  readonly pii?: boolean;
  readonly masks?: Readonly<Record<string, MaskSpec>>;
}

export function column(name: string, type: ColumnType, options: ColumnOptions = {}): ColumnDef {
  return Object.freeze({
    name,
    type,
    scale: options.scale,
    pii: options.pii ?? false,
    tokenize: undefined,
    deterministic: false,
    masks: Object.freeze({ ...(options.masks ?? {}) }),
  });
}

const STORAGE: Readonly<Record<ColumnType, string>> = {
  integer: 'INTEGER',
  decimal: 'TEXT',
  real: 'REAL',
  text: 'TEXT',
  boolean: 'INTEGER',
  date: 'TEXT',
  timestamp: 'TEXT',
  timestamptz: 'TEXT',
  uuid: 'TEXT',
  json: 'TEXT',
  bytes: 'BLOB',
};

function ddl(
  name: string,
  columns: readonly ColumnDef[],
  primaryKey: readonly string[],
  index?: string,
): string {
  const cols = columns.map((c) => `"${c.name}" ${STORAGE[c.type]}`).join(', ');
  const pk = primaryKey.map((c) => `"${c}"`).join(', ');
  const create = `CREATE TABLE "${name}" (${cols}, PRIMARY KEY (${pk})) WITHOUT ROWID`;
  return index === undefined
    ? create
    : `${create};\nCREATE INDEX "${name}.${index}" ON "${name}" ("${index}")`;
}

export function table(
  name: string,
  columns: readonly ColumnDef[],
  primaryKey: readonly string[],
  route: EntityRoute,
  children: readonly string[] = [],
): TableDef {
  const index = route.kind === 'root' ? undefined : route.kind === 'column' ? route.column : route.key;
  return Object.freeze({
    name,
    root: route.kind === 'root',
    primaryKey,
    columns,
    columnsByName: new Map(columns.map((c) => [c.name, c])),
    route,
    children,
    ddl: ddl(name, columns, primaryKey, index),
  });
}

export function product(name: string, tables: readonly TableDef[], version = '1.0.0'): Product {
  const root = tables.find((t) => t.root);
  if (root === undefined) throw new Error('a fixture product needs a root table');
  return Object.freeze({
    name,
    version,
    title: name,
    owner: 'tests',
    description: 'test fixture',
    entity: { name: 'entity' },
    tables,
    tablesByName: new Map(tables.map((t) => [t.name, t])),
    root,
    sources: [],
    access: {},
    maskPlans: {},
    file: `/fixtures/${name}.yaml`,
  });
}

export const customers = table(
  'customers',
  [
    column('id', 'integer'),
    column('first_name', 'text', { pii: true, masks: { default: { fn: 'partial', args: [1, 0] } } }),
    column('last_name', 'text', { pii: true }),
    column('email', 'text', { pii: true }),
    column('ssn', 'text', { pii: true }),
    column('created_at', 'timestamp'),
    column('balance', 'decimal', { scale: 2 }),
    column('vip', 'boolean'),
    column('tags', 'json'),
    column('photo', 'bytes'),
    column('uid', 'uuid'),
    column('born', 'date'),
    column('score', 'real'),
    column('big', 'integer'),
  ],
  ['id'],
  { kind: 'root', column: 'id' },
);

export const orders = table(
  'orders',
  [
    column('id', 'integer'),
    column('customer_id', 'integer'),
    column('total', 'decimal', { scale: 2 }),
    column('status', 'text'),
    column('placed_at', 'timestamptz'),
  ],
  ['id'],
  { kind: 'column', column: 'customer_id' },
  ['order_items'],
);

export const orderItems = table(
  'order_items',
  [column('id', 'integer'), column('order_id', 'integer'), column('sku', 'text'), column('qty', 'integer')],
  ['id'],
  { kind: 'parent', table: 'orders', key: 'order_id' },
);

/** customer360: customers (root) → orders (by customer_id) → order_items (through order_id). */
export const customer360 = product('customer360', [customers, orders, orderItems]);

/** Column `name` of `t`, or a thrown error (keeps tests free of non-null assertions). */
export function col(t: TableDef, name: string): ColumnDef {
  const c = t.columnsByName.get(name);
  if (c === undefined) throw new Error(`fixture table ${t.name} has no column ${name}`);
  return c;
}
