/**
 * The source data of the connector conformance suite, and the entities sync must make of it.
 */

export type ConformanceTable = 'customers' | 'orders' | 'order_items';
export type ConformanceValue = string | number | null;
export type ConformanceRow = Readonly<Record<string, ConformanceValue>>;

/** One row change, as a source system would make it. Deletes carry the primary key (`id`) at least. */
export interface RowChange {
  readonly op: 'insert' | 'update' | 'delete';
  readonly table: ConformanceTable;
  readonly row: ConformanceRow;
}

/** Columns of each table, in order; `id` is every table's primary key. SQL types for sources that need them. */
export const CONFORMANCE_COLUMNS: Readonly<Record<ConformanceTable, readonly (readonly [string, string])[]>> =
  {
    customers: [
      ['id', 'bigint'],
      ['name', 'text'],
      ['email', 'text'],
    ],
    orders: [
      ['id', 'bigint'],
      ['customer_id', 'bigint'],
      ['total', 'numeric(12,2)'],
      ['status', 'text'],
    ],
    order_items: [
      ['id', 'bigint'],
      ['order_id', 'bigint'],
      ['sku', 'text'],
      ['qty', 'integer'],
    ],
  };

/** The product spec's tables (everything but `product:` header and `sources:`). */
export const CONFORMANCE_TABLES_YAML = `
entity: { name: customer }
tables:
  customers:
    root: true
    primaryKey: [id]
    entityId: id
    columns: { id: { type: integer }, name: { type: text, pii: true }, email: { type: text, pii: true } }
  orders:
    primaryKey: [id]
    entityId: customer_id
    columns: { id: { type: integer }, customer_id: { type: integer }, total: { type: decimal, scale: 2 }, status: { type: text } }
  order_items:
    primaryKey: [id]
    parent: { table: orders, key: order_id }
    columns: { id: { type: integer }, order_id: { type: integer }, sku: { type: text }, qty: { type: integer } }
access:
  support: { read: true }
`;

/** The source database as the changes leave it; {@link expected} is what the micro-DBs must hold. */
export class ConformanceModel {
  readonly #tables: Record<ConformanceTable, Map<number, ConformanceRow>> = {
    customers: new Map(),
    orders: new Map(),
    order_items: new Map(),
  };

  apply(changes: readonly RowChange[]): void {
    for (const change of changes) {
      const rows = this.#tables[change.table];
      const id = change.row.id as number;
      if (change.op === 'delete') rows.delete(id);
      else rows.set(id, { ...rows.get(id), ...change.row });
    }
  }

  row(table: ConformanceTable, id: number): ConformanceRow | undefined {
    return this.#tables[table].get(id);
  }

  /** Entity id → `{ customers, orders, order_items }` with every column, rows by id. */
  expected(): Map<string, unknown> {
    const full = (table: ConformanceTable, row: ConformanceRow) =>
      Object.fromEntries(CONFORMANCE_COLUMNS[table].map(([c]) => [c, row[c] ?? null]));
    const byId = (a: ConformanceRow, b: ConformanceRow) => (a.id as number) - (b.id as number);
    const out = new Map<string, unknown>();
    for (const customer of [...this.#tables.customers.values()].sort(byId)) {
      const orders = [...this.#tables.orders.values()]
        .filter((o) => o.customer_id === customer.id)
        .sort(byId);
      const orderIds = new Set(orders.map((o) => o.id));
      const items = [...this.#tables.order_items.values()]
        .filter((i) => orderIds.has(i.order_id ?? null))
        .sort(byId);
      out.set(String(customer.id), {
        customers: full('customers', customer),
        orders: orders.map((o) => full('orders', o)),
        order_items: items.map((i) => full('order_items', i)),
      });
    }
    return new Map([...out].sort(([a], [b]) => a.localeCompare(b)));
  }
}

/** A customer with `orders` orders of `items` items each, as inserts (ids derived from `id`). */
export function customerWithOrders(id: number, orders: number, items: number): RowChange[] {
  const out: RowChange[] = [
    { op: 'insert', table: 'customers', row: { id, name: `Customer ${id}`, email: `c${id}@example.com` } },
  ];
  for (let o = 0; o < orders; o++) {
    const orderId = id * 100 + o;
    out.push({
      op: 'insert',
      table: 'orders',
      row: { id: orderId, customer_id: id, total: `${o + 1}0.50`, status: 'new' },
    });
    for (let i = 0; i < items; i++) {
      const itemId = orderId * 100 + i;
      out.push({
        op: 'insert',
        table: 'order_items',
        row: { id: itemId, order_id: orderId, sku: `SKU-${itemId}`, qty: i + 1 },
      });
    }
  }
  return out;
}
