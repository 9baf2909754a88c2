import type pg from 'pg';

/** A small deterministic PRNG (mulberry32), so a failing run can be replayed from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Model {
  customers: Set<number>;
  /** order → customer */
  orders: Map<number, number>;
  /** item → order */
  items: Map<number, number>;
  /** shipment → item */
  shipments: Map<number, number>;
}

type Statement = [string, unknown[]];

/**
 * A random workload on the shop tables that keeps them referentially sound the way ON DELETE /
 * ON UPDATE CASCADE would: inserts, updates and deletes on every table, children moving between
 * entities (orders to another customer, items to another order), primary-key changes that carry
 * their children along (a customer's too, which renames its entity), and transactions of several
 * statements.
 */
export class ShopWorkload {
  readonly #rand: () => number;
  readonly #m: Model = { customers: new Set(), orders: new Map(), items: new Map(), shipments: new Map() };
  #nextId = 1_000_000;
  transactions = 0;

  constructor(seed: number) {
    this.#rand = prng(seed);
  }

  /** SQL that creates `customers` customers with orders, items and shipments. */
  seed(customers: number): Statement[] {
    const out: Statement[] = [];
    for (let i = 0; i < customers; i++) out.push(...this.#newCustomer());
    return out;
  }

  /** Runs one random transaction of one to four statements groups. */
  async step(client: pg.Client): Promise<void> {
    const statements: Statement[] = [];
    const n = 1 + Math.floor(this.#rand() * 4);
    for (let i = 0; i < n; i++) statements.push(...this.#randomChange());
    await client.query('begin');
    for (const [sql, params] of statements) await client.query(sql, params);
    await client.query('commit');
    this.transactions += 1;
  }

  async apply(client: pg.Client, statements: readonly Statement[]): Promise<void> {
    await client.query('begin');
    for (const [sql, params] of statements) await client.query(sql, params);
    await client.query('commit');
  }

  #id(): number {
    return this.#nextId++;
  }

  #pick<T>(values: Iterable<T>): T | undefined {
    const list = [...values];
    return list.length === 0 ? undefined : list[Math.floor(this.#rand() * list.length)];
  }

  #text(prefix: string): string {
    return `${prefix}-${Math.floor(this.#rand() * 1e9).toString(36)}`;
  }

  #newCustomer(): Statement[] {
    const id = this.#id();
    this.#m.customers.add(id);
    const out: Statement[] = [
      [
        'insert into customers (id, name, email) values ($1, $2, $3)',
        [id, this.#text('n'), `${this.#text('e')}@example.com`],
      ],
    ];
    const orders = Math.floor(this.#rand() * 3);
    for (let i = 0; i < orders; i++) out.push(...this.#newOrder(id));
    return out;
  }

  #newOrder(customer: number): Statement[] {
    const id = this.#id();
    this.#m.orders.set(id, customer);
    const total = (Math.floor(this.#rand() * 100_000) / 100).toFixed(2);
    const out: Statement[] = [['insert into orders values ($1, $2, $3, $4)', [id, customer, total, 'new']]];
    const items = Math.floor(this.#rand() * 3);
    for (let i = 0; i < items; i++) out.push(...this.#newItem(id));
    return out;
  }

  #newItem(order: number): Statement[] {
    const id = this.#id();
    this.#m.items.set(id, order);
    const out: Statement[] = [
      ['insert into order_items values ($1, $2, $3, $4)', [id, order, this.#text('sku'), 1]],
    ];
    if (this.#rand() < 0.5) out.push(this.#newShipment(id));
    return out;
  }

  #newShipment(item: number): Statement {
    const id = this.#id();
    this.#m.shipments.set(id, item);
    return ['insert into shipments values ($1, $2, $3)', [id, item, this.#text('carrier')]];
  }

  #deleteItem(item: number): Statement[] {
    this.#m.items.delete(item);
    for (const [s, i] of this.#m.shipments) if (i === item) this.#m.shipments.delete(s);
    return [
      ['delete from shipments where item_id = $1', [item]],
      ['delete from order_items where id = $1', [item]],
    ];
  }

  #deleteOrder(order: number): Statement[] {
    const out: Statement[] = [];
    for (const [item, o] of this.#m.items) if (o === order) out.push(...this.#deleteItem(item));
    this.#m.orders.delete(order);
    out.push(['delete from orders where id = $1', [order]]);
    return out;
  }

  #randomChange(): Statement[] {
    const m = this.#m;
    const r = this.#rand();
    const customer = this.#pick(m.customers);
    const order = this.#pick(m.orders.keys());
    const item = this.#pick(m.items.keys());
    const shipment = this.#pick(m.shipments.keys());
    if (r < 0.12 || customer === undefined) return this.#newCustomer();
    if (r < 0.19)
      return [
        [
          'update customers set name = $2, email = $3 where id = $1',
          [customer, this.#text('n'), `${this.#text('e')}@example.com`],
        ],
      ];
    if (r < 0.22) {
      // A root primary-key change: the entity is renamed, its orders follow (ON UPDATE CASCADE).
      const id = this.#id();
      m.customers.delete(customer);
      m.customers.add(id);
      for (const [o, c] of m.orders) if (c === customer) m.orders.set(o, id);
      return [
        ['update customers set id = $2 where id = $1', [customer, id]],
        ['update orders set customer_id = $2 where customer_id = $1', [customer, id]],
      ];
    }
    if (r < 0.27) {
      const out: Statement[] = [];
      for (const [o, c] of m.orders) if (c === customer) out.push(...this.#deleteOrder(o));
      m.customers.delete(customer);
      out.push(['delete from customers where id = $1', [customer]]);
      return out;
    }
    if (r < 0.37) return this.#newOrder(customer);
    if (order === undefined) return this.#newOrder(customer);
    if (r < 0.45)
      return [
        [
          'update orders set status = $2, total = $3 where id = $1',
          [order, this.#text('s'), (this.#rand() * 1000).toFixed(2)],
        ],
      ];
    if (r < 0.52) {
      m.orders.set(order, customer); // a move to another entity (or a no-op move to the same)
      return [['update orders set customer_id = $2 where id = $1', [order, customer]]];
    }
    if (r < 0.56) return this.#deleteOrder(order);
    if (r < 0.61) {
      const id = this.#id();
      m.orders.set(id, m.orders.get(order) as number);
      m.orders.delete(order);
      for (const [i, o] of m.items) if (o === order) m.items.set(i, id);
      return [
        ['update orders set id = $2 where id = $1', [order, id]],
        ['update order_items set order_id = $2 where order_id = $1', [order, id]],
      ];
    }
    if (r < 0.71) return this.#newItem(order);
    if (item === undefined) return this.#newItem(order);
    if (r < 0.78) {
      m.items.set(item, order); // may move the item (and its shipments) to another customer
      return [
        ['update order_items set order_id = $2, sku = $3 where id = $1', [item, order, this.#text('sku')]],
      ];
    }
    if (r < 0.82) return this.#deleteItem(item);
    if (r < 0.86) {
      const id = this.#id();
      m.items.set(id, m.items.get(item) as number);
      m.items.delete(item);
      for (const [s, i] of m.shipments) if (i === item) m.shipments.set(s, id);
      return [
        ['update order_items set id = $2 where id = $1', [item, id]],
        ['update shipments set item_id = $2 where item_id = $1', [item, id]],
      ];
    }
    if (r < 0.92) return [this.#newShipment(item)];
    if (shipment === undefined) return [this.#newShipment(item)];
    if (r < 0.97)
      return [['update shipments set carrier = $2 where id = $1', [shipment, this.#text('carrier')]]];
    m.shipments.delete(shipment);
    return [['delete from shipments where id = $1', [shipment]]];
  }
}
