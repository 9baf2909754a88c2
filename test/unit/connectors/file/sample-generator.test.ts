import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type ExpectedEntity, generateSample, SAMPLE_FILE } from '../../../../config/samples/generate.js';
import type { ConnectorContext } from '../../../../src/connectors/connector.js';
import { createFileConnector } from '../../../../src/connectors/file/file-connector.js';
import type { ChangeEvent, FieldHint, RejectedInput } from '../../../../src/sync/change-event.js';
import { fileSource, testProduct } from '../test-product.js';

const sample = generateSample();
const fileText = readFileSync(SAMPLE_FILE, 'utf8');
/** A sample line's payload, as the tests read it. */
interface Payload {
  readonly op: string;
  readonly before: Readonly<Record<string, unknown>> | null;
  readonly after: Readonly<Record<string, unknown>> | null;
  readonly source: { readonly table: string } & Readonly<Record<string, unknown>>;
}
type Line = Payload | { readonly schema: unknown; readonly payload: Payload };
const parsed = sample.lines.filter((l) => l !== 'null').map((l) => JSON.parse(l) as Line);
const payloadOf = (v: Line): Payload => ('payload' in v ? v.payload : v);
const wrappedLines = parsed.filter((v): v is Extract<Line, { schema: unknown }> => 'schema' in v);

describe('the sample generator', () => {
  it('is deterministic: the same bytes twice, and the committed file is what it generates', () => {
    const again = generateSample();
    expect(again.lines.join('\n')).toBe(sample.lines.join('\n'));
    expect(fileText).toBe(`${sample.lines.join('\n')}\n`);
    expect(generateSample({ seed: 7, customers: 20, transactions: 20 }).lines).not.toEqual(
      generateSample({ seed: 8, customers: 20, transactions: 20 }).lines,
    );
  });

  it('stays under 3 MB', () => {
    expect(statSync(SAMPLE_FILE).size).toBeLessThan(3 * 1024 * 1024);
  });

  it('starts with Ada Lovelace, customer 1001, who survives every change', () => {
    const first = parsed[0];
    expect(first && payloadOf(first).after).toEqual({
      id: 1001,
      first_name: 'Ada',
      last_name: 'Lovelace',
      email: 'ada.lovelace@example.com',
      ssn: '078-05-1120',
      phone: '+44 20 7946 0018',
      birth_date: '1815-12-10',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/),
    });
    const ada = sample.expected.get('1001');
    expect(ada?.customers).toMatchObject({
      first_name: 'Ada',
      email: 'ada.lovelace@example.com',
      ssn: '078-05-1120',
    });
    expect(ada?.orders.length).toBeGreaterThan(0);
  });

  it('snapshots ≥ 1000 customers, then orders, then items, with 0–5 orders and 1–4 items per order', () => {
    const snapshot = parsed.map(payloadOf).filter((p) => p.op === 'r');
    const tables = snapshot.map((p) => p.source.table as string);
    const firstOrder = tables.indexOf('orders');
    const firstItem = tables.indexOf('order_items');
    expect(tables.slice(0, firstOrder).every((t) => t === 'customers')).toBe(true);
    expect(tables.slice(firstOrder, firstItem).every((t) => t === 'orders')).toBe(true);
    expect(tables.slice(firstItem).every((t) => t === 'order_items')).toBe(true);
    expect(firstOrder).toBeGreaterThanOrEqual(1000);
    const ids = snapshot.slice(0, firstOrder).map((p) => p.after?.id as number);
    expect(ids[0]).toBe(1001);
    const count = (rows: Payload[], key: string) => {
      const counts = new Map<number, number>();
      for (const r of rows) {
        const id = r.after?.[key] as number;
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      return counts;
    };
    const ordersPer = count(snapshot.slice(firstOrder, firstItem), 'customer_id');
    expect(Math.max(...ordersPer.values())).toBeLessThanOrEqual(5);
    expect(ordersPer.size).toBeLessThan(ids.length); // some customers have no orders
    const itemsPer = count(snapshot.slice(firstItem), 'order_id');
    expect(itemsPer.size).toBe(firstItem - firstOrder); // every order has items
    expect(Math.max(...itemsPer.values())).toBeLessThanOrEqual(4);
  });

  it('streams creates, updates and deletes, deleting exactly 2 customers (never 1001)', () => {
    const stream = parsed.map(payloadOf).filter((p) => p.op !== 'r');
    const kinds = new Set(stream.map((p) => `${p.source.table}:${p.op}`));
    for (const k of ['orders:c', 'order_items:c', 'customers:u', 'orders:u', 'order_items:d', 'orders:d']) {
      expect(kinds).toContain(k);
    }
    const customerDeletes = stream.filter((p) => p.op === 'd' && p.source.table === 'customers');
    expect(customerDeletes).toHaveLength(2);
    expect(customerDeletes.map((p) => p.before?.id)).not.toContain(1001);
    for (const d of stream.filter((p) => p.op === 'd')) expect(Object.keys(d.before ?? {})).toEqual(['id']);
    for (const p of parsed.map(payloadOf)) {
      expect(p.source).toMatchObject({ connector: 'postgresql', db: 'crm', schema: 'public' });
      expect(typeof p.source.ts_ms === 'number' && typeof p.source.txId === 'number').toBe(true);
      expect(typeof p.source.lsn).toBe('number');
    }
  });

  it('wraps some lines in {schema, payload} with Decimal and MicroTimestamp encodings', () => {
    expect(wrappedLines.length).toBeGreaterThan(20);
    expect(wrappedLines.length).toBeLessThan(parsed.length / 10);
    const tables = new Set(wrappedLines.map((v) => v.payload.source.table));
    expect([...tables].sort()).toEqual(['customers', 'order_items', 'orders']);
    const order = wrappedLines.find((v) => v.payload.source.table === 'orders' && v.payload.after);
    expect(order?.payload.after?.total).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(typeof order?.payload.after?.placed_at).toBe('number');
    expect(JSON.stringify(order?.schema)).toContain('"name":"org.apache.kafka.connect.data.Decimal"');
    expect(JSON.stringify(order?.schema)).toContain('"name":"io.debezium.time.MicroTimestamp"');
  });

  it('decodes through the file source, without rejects, to exactly the expected final state', async () => {
    const events: ChangeEvent[] = [];
    const rejected: RejectedInput[] = [];
    const ctx: ConnectorContext = {
      positions: new Map(),
      signal: new AbortController().signal,
      follow: false,
      async deliver(batch) {
        events.push(...batch.events);
        rejected.push(...batch.rejected);
      },
    };
    await createFileConnector(testProduct(), fileSource(SAMPLE_FILE)).start(ctx);
    expect(rejected).toEqual([]);
    expect(events).toHaveLength(parsed.length);
    expect(events.filter((e) => e.hints !== undefined).length).toBeGreaterThan(20);
    expect(applyAll(events)).toEqual(sample.expected);
  });
});

/** A minimal applier for the test: upserts/deletes by id, converts hinted values, groups by customer. */
function applyAll(events: readonly ChangeEvent[]): Map<string, ExpectedEntity> {
  const tables = new Map<string, Map<number, Record<string, unknown>>>();
  for (const e of events) {
    const rows = tables.get(e.table) ?? new Map();
    tables.set(e.table, rows);
    if (e.op === 'd') rows.delete(e.before?.id as number);
    else {
      const row = Object.fromEntries(
        Object.entries(e.after ?? {}).map(([k, v]) => [k, stored(v, e.hints?.[k])]),
      );
      rows.set(row.id as number, { ...rows.get(row.id as number), ...row });
    }
  }
  const all = (t: string) =>
    [...(tables.get(t)?.values() ?? [])].sort((a, b) => (a.id as number) - (b.id as number));
  const out = new Map<string, ExpectedEntity>();
  for (const c of all('customers')) {
    const orders = all('orders').filter((o) => o.customer_id === c.id);
    const orderIds = new Set(orders.map((o) => o.id));
    const items = all('order_items').filter((i) => orderIds.has(i.order_id));
    out.set(String(c.id), { customers: c, orders, order_items: items } as unknown as ExpectedEntity);
  }
  return out;
}

function stored(value: unknown, hint: FieldHint | undefined): unknown {
  if (hint?.semantic === 'org.apache.kafka.connect.data.Decimal' && typeof value === 'string') {
    const bytes = Buffer.from(value, 'base64');
    let unscaled = BigInt.asIntN(bytes.length * 8, BigInt(`0x${bytes.toString('hex')}`));
    const negative = unscaled < 0n;
    if (negative) unscaled = -unscaled;
    const digits = unscaled.toString().padStart((hint.scale ?? 0) + 1, '0');
    const point = digits.length - (hint.scale ?? 0);
    return `${negative ? '-' : ''}${digits.slice(0, point)}.${digits.slice(point)}`;
  }
  if (hint?.semantic === 'io.debezium.time.MicroTimestamp' && typeof value === 'number') {
    const iso = new Date(Math.floor(value / 1000)).toISOString();
    return `${iso.slice(0, 19)}.${String(value % 1_000_000).padStart(6, '0')}`;
  }
  if (hint?.semantic === 'io.debezium.time.Date' && typeof value === 'number') {
    return new Date(value * 86_400_000).toISOString().slice(0, 10);
  }
  return value;
}
