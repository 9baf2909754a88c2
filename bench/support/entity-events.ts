import { EventBuilder } from '../../src/connectors/memory/memory-connector.js';
import type { ChangeEvent } from '../../src/sync/change-event.js';

/** Orders per benchmark customer and items per order: 1 + 4 + 10 = 15 rows. */
export const ORDERS_PER_CUSTOMER = 4;
const ITEMS = [3, 3, 2, 2];

export function customerRow(id: number) {
  return {
    id,
    first_name: `First${id}`,
    last_name: `Last${id}`,
    email: `user${id}@example.com`,
    ssn: `${String(100 + (id % 800)).padStart(3, '0')}-${String(id % 100).padStart(2, '0')}-${String(id % 10000).padStart(4, '0')}`,
    phone: `+1 555 ${String(id % 10000).padStart(4, '0')}`,
    birth_date: '1980-05-17',
    created_at: '2020-01-02T03:04:05.123456',
  };
}

/** The events that build one customer with 4 orders and 10 items (15 rows). */
export function entityEvents(e: EventBuilder, id: number): ChangeEvent[] {
  const events = [e.event('r', 'customers', null, customerRow(id))];
  let item = id * 100;
  for (let o = 0; o < ORDERS_PER_CUSTOMER; o++) {
    const orderId = id * 10 + o;
    events.push(
      e.event('r', 'orders', null, {
        id: orderId,
        customer_id: id,
        total: `${(id % 500) + o}.${String(o * 7).padStart(2, '0')}`,
        status: 'paid',
        placed_at: '2024-03-04T05:06:07.654321',
      }),
    );
    for (let i = 0; i < (ITEMS[o] ?? 1); i++) {
      events.push(
        e.event('r', 'order_items', null, { id: item++, order_id: orderId, sku: `SKU-${i}`, qty: i + 1 }),
      );
    }
  }
  return events;
}

export { EventBuilder };
