/**
 * The demo's sample data: `npm run sample` writes config/samples/customer360.jsonl, Debezium
 * change events of a CRM database — a snapshot (`op: r`) of every customer, order and order item,
 * then a stream of creates, updates and deletes. Deterministic: a seeded generator, no clock, so
 * the file is the same bytes on every run. {@link generateSample} also returns the state sync
 * should reach, for tests.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Prng } from './prng.js';
import {
  encodeEvent,
  type SampleEvent,
  type SampleRow,
  type SampleTable,
  type SourceInfo,
} from './sample-debezium.js';
import {
  adaLovelace,
  type CustomerRow,
  emailFor,
  FIRST_CUSTOMER_ID,
  FIRST_ITEM_ID,
  FIRST_ORDER_ID,
  type ItemRow,
  ORDER_STATUSES,
  type OrderRow,
  randomCustomer,
  randomItem,
  randomOrder,
  SNAPSHOT_MS,
} from './sample-rows.js';
import { type ExpectedEntity, SampleState } from './sample-state.js';

export type { ExpectedCustomer, ExpectedEntity, ExpectedItem, ExpectedOrder } from './sample-state.js';

export const DEFAULT_SAMPLE_SEED = 360;
export const DEFAULT_SAMPLE_CUSTOMERS = 1000;
export const DEFAULT_SAMPLE_TRANSACTIONS = 1000;
/** Share of lines written as `{schema, payload}`; the rest are bare payloads. */
export const DEFAULT_SCHEMA_SHARE = 1 / 100;

export interface SampleOptions {
  readonly seed?: number;
  /** Customers in the snapshot (ids 1001…). Default {@link DEFAULT_SAMPLE_CUSTOMERS}. */
  readonly customers?: number;
  /** Source transactions in the stream after the snapshot. Default {@link DEFAULT_SAMPLE_TRANSACTIONS}. */
  readonly transactions?: number;
  readonly schemaShare?: number;
}

export interface Sample {
  /** JSON lines, without newlines. */
  readonly lines: readonly string[];
  /** Entity id → the entity sync should produce from the lines. */
  readonly expected: Map<string, ExpectedEntity>;
}

/** Orders per customer 0–5, items per order 1–4: relative weights, kept small for the file size. */
const ORDER_COUNT_WEIGHTS = [20, 30, 25, 12, 8, 5];
const ITEM_COUNT_WEIGHTS = [40, 30, 20, 10];

export function generateSample(opts: SampleOptions = {}): Sample {
  const prng = new Prng(opts.seed ?? DEFAULT_SAMPLE_SEED);
  const schemaShare = opts.schemaShare ?? DEFAULT_SCHEMA_SHARE;
  const state = new SampleState();
  const lines: string[] = [];
  const emit = (event: SampleEvent): void => {
    state.apply(event);
    lines.push(encodeEvent(event, prng.chance(schemaShare)));
  };
  const ids = { customer: FIRST_CUSTOMER_ID, order: FIRST_ORDER_ID, item: FIRST_ITEM_ID };

  // Snapshot: read every row in one snapshot transaction, customers, then orders, then items.
  const customers: CustomerRow[] = [];
  const orders: OrderRow[] = [];
  const items: ItemRow[] = [];
  for (let n = 0; n < (opts.customers ?? DEFAULT_SAMPLE_CUSTOMERS); n++) {
    const customer = n === 0 ? adaLovelace(prng) : randomCustomer(prng, ids.customer);
    ids.customer++;
    customers.push(customer);
    const orderCount = customer.id === FIRST_CUSTOMER_ID ? 3 : prng.weighted(ORDER_COUNT_WEIGHTS);
    for (let o = 0; o < orderCount; o++) {
      const order = randomOrder(prng, ids.order++, customer, Date.UTC(2020, 0, 1), SNAPSHOT_MS - 60_000);
      orders.push(order);
      const itemCount = 1 + prng.weighted(ITEM_COUNT_WEIGHTS);
      for (let i = 0; i < itemCount; i++) items.push(randomItem(prng, ids.item++, order.id));
    }
  }
  const snapshot: (readonly [SampleTable, SampleRow])[] = [
    ...customers.map((r) => ['customers', r] as const),
    ...orders.map((r) => ['orders', r] as const),
    ...items.map((r) => ['order_items', r] as const),
  ];
  snapshot.forEach(([table, row], i) => {
    const flag = i === 0 ? 'first' : i === snapshot.length - 1 ? 'last' : 'true';
    const source: SourceInfo = {
      tsMs: SNAPSHOT_MS + Math.floor(i / 40),
      txId: 7400,
      lsn: 24_023_128,
      snapshot: flag,
    };
    emit({ table, op: 'r', before: null, after: row, source });
  });

  // Stream: one source transaction at a time, each with its own txId, commit time and LSNs.
  const clock = { tsMs: SNAPSHOT_MS + 120_000, txId: 7401, lsn: 24_100_000 };
  const transactions = opts.transactions ?? DEFAULT_SAMPLE_TRANSACTIONS;
  const customerDeletes = new Set([Math.floor(transactions * 0.4), Math.floor(transactions * 0.8)]);
  for (let t = 0; t < transactions; t++) {
    clock.tsMs += prng.int(50, 20_000);
    const txId = clock.txId++;
    const change = (table: SampleTable, op: SampleEvent['op'], row: SampleRow): void => {
      clock.lsn += prng.int(120, 4000);
      const source: SourceInfo = { tsMs: clock.tsMs, txId, lsn: clock.lsn, snapshot: 'false' };
      if (op === 'd') emit({ table, op, before: { id: row.id }, after: null, source });
      else emit({ table, op, before: null, after: row, source });
    };
    const nowMicros = clock.tsMs * 1000 + prng.int(0, 999);
    const kind = customerDeletes.has(t) ? 'deleteCustomer' : KINDS[prng.weighted(KIND_WEIGHTS)];

    if (kind === 'newOrder' || kind === 'newCustomer') {
      let customer = pick(prng, state.customers);
      if (kind === 'newCustomer') {
        customer = { ...randomCustomer(prng, ids.customer++), created_at: nowMicros };
        change('customers', 'c', customer);
        if (prng.chance(0.5)) continue;
      }
      const order: OrderRow = {
        ...randomOrder(prng, ids.order++, customer, clock.tsMs, clock.tsMs + 1),
        status: 'pending',
        placed_at: nowMicros,
      };
      change('orders', 'c', order);
      const itemCount = 1 + prng.weighted(ITEM_COUNT_WEIGHTS);
      for (let i = 0; i < itemCount; i++) change('order_items', 'c', randomItem(prng, ids.item++, order.id));
    } else if (kind === 'emailChange') {
      const customer = pick(prng, state.customers, (c) => c.id !== FIRST_CUSTOMER_ID);
      const email = emailFor(prng, customer.first_name, customer.last_name, prng.int(1, 9999));
      change('customers', 'u', { ...customer, email });
    } else if (kind === 'orderUpdate') {
      const order = pick(prng, state.orders);
      const totalCents = prng.chance(0.3) ? prng.int(499, 49_999) : order.totalCents;
      change('orders', 'u', { ...order, status: prng.pick(ORDER_STATUSES), totalCents });
    } else if (kind === 'deleteItem') {
      change('order_items', 'd', pick(prng, state.items));
    } else if (kind === 'deleteOrder') {
      const order = pick(prng, state.orders);
      for (const item of [...state.items.values()].filter((i) => i.order_id === order.id)) {
        change('order_items', 'd', item);
      }
      change('orders', 'd', order);
    } else {
      const customer = pick(prng, state.customers, (c) => c.id !== FIRST_CUSTOMER_ID);
      for (const order of [...state.orders.values()].filter((o) => o.customer_id === customer.id)) {
        for (const item of [...state.items.values()].filter((i) => i.order_id === order.id)) {
          change('order_items', 'd', item);
        }
        change('orders', 'd', order);
      }
      change('customers', 'd', customer);
      // Debezium follows a delete with a tombstone (tombstones.on.delete=true) for log compaction.
      lines.push('null');
    }
  }
  return { lines, expected: state.expected() };
}

const KINDS = ['newOrder', 'emailChange', 'orderUpdate', 'deleteItem', 'deleteOrder', 'newCustomer'] as const;
const KIND_WEIGHTS = [30, 20, 25, 10, 8, 7];

/** A random value of the map (in insertion order, so deterministic) that passes `accept`. */
function pick<T>(prng: Prng, rows: ReadonlyMap<number, T>, accept: (row: T) => boolean = () => true): T {
  const candidates = [...rows.values()].filter(accept);
  return prng.pick(candidates);
}

/** The sample file, next to this script. */
export const SAMPLE_FILE = fileURLToPath(new URL('./customer360.jsonl', import.meta.url));

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const sample = generateSample();
  const text = `${sample.lines.join('\n')}\n`;
  writeFileSync(SAMPLE_FILE, text);
  process.stdout.write(
    `wrote ${SAMPLE_FILE}: ${sample.lines.length} lines, ${Buffer.byteLength(text)} bytes, ` +
      `${sample.expected.size} customers at the end\n`,
  );
}
