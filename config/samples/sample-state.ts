import { centsText, isoMicros, type SampleEvent } from './sample-debezium.js';
import type { CustomerRow, ItemRow, OrderRow } from './sample-rows.js';

/** A customer row in its stored JSON form (what an entity read returns, before masking). */
export interface ExpectedCustomer {
  readonly id: number;
  readonly first_name: string;
  readonly last_name: string;
  readonly email: string;
  /** The source value. The micro-DB keeps a token in its place (the column is tokenized). */
  readonly ssn: string;
  readonly phone: string;
  readonly birth_date: string;
  readonly created_at: string;
}

export interface ExpectedOrder {
  readonly id: number;
  readonly customer_id: number;
  readonly total: string;
  readonly status: string;
  readonly placed_at: string;
}

export type ExpectedItem = ItemRow;

/** One entity as sync should leave it: root row, then child rows in primary-key order. */
export interface ExpectedEntity {
  readonly customers: ExpectedCustomer;
  readonly orders: readonly ExpectedOrder[];
  readonly order_items: readonly ExpectedItem[];
}

/**
 * The CRM database the sample describes, kept by applying every emitted event, so the expected
 * state and the lines can never disagree.
 */
export class SampleState {
  readonly customers = new Map<number, CustomerRow>();
  readonly orders = new Map<number, OrderRow>();
  readonly items = new Map<number, ItemRow>();

  apply(event: SampleEvent): void {
    const rows = this.rowsOf(event.table);
    if (event.op === 'd') {
      const id = event.before?.id;
      if (id === undefined || !rows.delete(id))
        throw new Error(`sample deletes a missing ${event.table} row`);
      return;
    }
    if (event.after === null) throw new Error(`sample ${event.op} without an after image`);
    rows.set(event.after.id, event.after);
  }

  /** Entity id (the customer id as text) → expected entity, in customer id order. */
  expected(): Map<string, ExpectedEntity> {
    const ordersByCustomer = new Map<number, OrderRow[]>();
    for (const order of this.orders.values()) {
      const list = ordersByCustomer.get(order.customer_id) ?? [];
      list.push(order);
      ordersByCustomer.set(order.customer_id, list);
    }
    const itemsByOrder = new Map<number, ItemRow[]>();
    for (const item of this.items.values()) {
      const list = itemsByOrder.get(item.order_id) ?? [];
      list.push(item);
      itemsByOrder.set(item.order_id, list);
    }
    const out = new Map<string, ExpectedEntity>();
    for (const customer of [...this.customers.values()].sort(byId)) {
      const orders = (ordersByCustomer.get(customer.id) ?? []).sort(byId);
      const items = orders.flatMap((o) => itemsByOrder.get(o.id) ?? []).sort(byId);
      out.set(String(customer.id), {
        customers: { ...customer, created_at: isoMicros(customer.created_at) },
        orders: orders.map((o) => ({
          id: o.id,
          customer_id: o.customer_id,
          total: centsText(o.totalCents),
          status: o.status,
          placed_at: isoMicros(o.placed_at),
        })),
        order_items: items.map((i) => ({ ...i })),
      });
    }
    return out;
  }

  private rowsOf(table: SampleEvent['table']): Map<number, CustomerRow | OrderRow | ItemRow> {
    if (table === 'customers') return this.customers as Map<number, CustomerRow | OrderRow | ItemRow>;
    if (table === 'orders') return this.orders as Map<number, CustomerRow | OrderRow | ItemRow>;
    return this.items as Map<number, CustomerRow | OrderRow | ItemRow>;
  }
}

const byId = (a: { readonly id: number }, b: { readonly id: number }) => a.id - b.id;
