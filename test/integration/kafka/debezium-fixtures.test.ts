import type { Message } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaConnector } from '../../../src/connectors/kafka/kafka-connector.js';
import { isCellarError } from '../../../src/errors.js';
import { compileProduct } from '../../../src/product/compile.js';
import { parseSpec } from '../../../src/product/load-spec.js';
import type { Product } from '../../../src/product/types.js';
import type { ChangeEvent, RejectedInput } from '../../../src/sync/change-event.js';
import { toStoredRow } from '../../../src/sync/stored-row.js';
import { envelopeSchema, fixture, fixtureNames } from '../../unit/connectors/debezium/fixtures.js';
import { type KafkaCluster, startKafka } from '../harness/kafka.js';
import { uniqueName } from '../harness/unique-name.js';
import { FAST_GROUP, produce, RecordingContext } from './kafka-support.js';

/**
 * Every shared Debezium fixture (../shared/fixtures/debezium, index.json says where each came
 * from) goes through a real topic and the Kafka source. Those carrying a row change must come out
 * as exactly the right change event, and their values must coerce to exactly the right stored
 * values; the others must be passed over (or, for the one excerpt, rejected) for their
 * documented reason.
 */

const TABLES = ['customers', 'order_lines', 'purchase_orders', 'products', 'a'] as const;
const SPEC = `
product: fixtures
version: 1.0.0
owner: tests
entity: { name: customer }
tables:
  customers:
    root: true
    primaryKey: [id]
    entityId: id
    columns: { id: {type: integer}, first_name: {type: text}, last_name: {type: text}, email: {type: text}, biography: {type: text} }
  order_lines:
    primaryKey: [id]
    entityId: order_id
    columns: { id: {type: integer}, item: {type: text}, quantity: {type: integer}, status: {type: text}, totalprice: {type: decimal, scale: 2}, order_id: {type: integer} }
  purchase_orders:
    primaryKey: [id]
    entityId: customerid
    columns: { id: {type: integer}, customerid: {type: integer}, orderdate: {type: timestamp} }
  products:
    primaryKey: [id]
    entityId: id
    columns: { id: {type: integer}, name: {type: text}, description: {type: text}, weight: {type: real} }
  a:
    primaryKey: [pk]
    entityId: pk
    columns: { pk: {type: integer}, aa: {type: text} }
  flat:
    primaryKey: [pk]
    entityId: pk
    columns: { pk: {type: integer}, cola: {type: text} }
`;

type Value = Record<string, unknown>;
/** A record to produce: the fixture's Kafka key and value (a `{key, value}` fixture is split). */
interface Input {
  readonly name: string;
  readonly topic: (typeof TABLES)[number] | 'flat';
  readonly key?: unknown;
  readonly value: unknown;
}

const part = (prefix: string, key: string) => (fixture(prefix) as Value)[key];
const keyed = (prefix: string) => fixture(prefix) as { key: unknown; value: unknown };
const withSchema05 = {
  schema: envelopeSchema([
    { type: 'int32', optional: false, field: 'id' },
    { type: 'int32', optional: true, field: 'customerid' },
    {
      type: 'int64',
      optional: false,
      name: 'io.debezium.time.MicroTimestamp',
      version: 1,
      field: 'orderdate',
    },
  ]),
  payload: keyed('05').value,
};

/** Every fixture part, in the order produced (each topic has one partition: offsets follow this order). */
const INPUTS: readonly Input[] = [
  { name: '01', topic: 'customers', value: fixture('01') },
  { name: '02', topic: 'customers', value: fixture('02') },
  { name: '06', topic: 'customers', value: fixture('06') },
  { name: '08', topic: 'customers', value: fixture('08') },
  { name: '09', topic: 'customers', value: fixture('09') },
  { name: '10', topic: 'customers', value: fixture('10') },
  { name: '11-begin', topic: 'customers', value: (fixture('11') as unknown[])[0] },
  { name: '11-end', topic: 'customers', value: (fixture('11') as unknown[])[1] },
  { name: '13', topic: 'customers', value: fixture('13') },
  {
    name: '14-tutorial',
    topic: 'customers',
    key: part('14', 'key'),
    value: part('14', 'value_as_shown_in_tutorial'),
  },
  { name: '14-wire', topic: 'customers', key: part('14', 'key'), value: null },
  { name: '19', topic: 'customers', value: fixture('19') },
  { name: '03', topic: 'order_lines', ...keyed('03') },
  { name: '04', topic: 'order_lines', ...keyed('04') },
  { name: '05', topic: 'purchase_orders', ...keyed('05') },
  { name: '05-with-schema', topic: 'purchase_orders', key: keyed('05').key, value: withSchema05 },
  { name: '16', topic: 'products', value: fixture('16') },
  { name: '17', topic: 'products', value: fixture('17') },
  { name: '18', topic: 'products', value: fixture('18') },
  { name: '12', topic: 'a', value: fixture('12') },
  { name: '15-delete-rewrite', topic: 'flat', key: { pk: 2 }, value: part('15', 'delete_rewrite_value') },
  {
    name: '15-add-fields-excerpt',
    topic: 'flat',
    value: part('15', 'add_fields_op_table_lsn_source_ts_ms_value_excerpt'),
  },
  // Not a fixture: 15's delete with its key column left out of the value, which the record key supplies.
  { name: '15-key-only-in-key', topic: 'flat', key: { pk: 3 }, value: { cola: null, __deleted: 'true' } },
];

type Expected =
  | { readonly event: Partial<ChangeEvent>; readonly stored: Value }
  | { readonly event: Partial<ChangeEvent>; readonly refused: RegExp }
  | { readonly skip: string }
  | { readonly rejected: string };

const EXPECTED: Readonly<Record<string, Expected>> = {
  '01': {
    event: { op: 'r', table: 'customers', before: null, ts: 1582540780807, txId: '596' },
    stored: { id: 1001n, first_name: 'Sally', last_name: 'Thomas', email: 'sally.thomas@acme.com' },
  },
  '02': {
    event: { op: 'c', table: 'customers', before: null, ts: 1733906311010, txId: '767' },
    stored: { id: 1005n, first_name: 'Bob', last_name: 'Marley', email: 'bob@marley.com' },
  },
  '06': {
    event: { op: 'c', table: 'customers', ts: 1559033904863, txId: '555' },
    stored: { id: 1n, first_name: 'Anne', last_name: 'Kretchmar', email: 'annek@noanswer.org' },
  },
  '08': {
    event: { op: 'u', table: 'customers', before: { id: 1 }, txId: '556' },
    stored: { id: 1n, first_name: 'Anne Marie', last_name: 'Kretchmar', email: 'annek@noanswer.org' },
  },
  '09': { event: { op: 'd', table: 'customers', after: null, txId: '556' }, stored: { id: 1n } },
  '10': { event: { op: 't', table: 'customers', before: null, after: null, ts: 1559033904863 }, stored: {} },
  '11-begin': { skip: 'transaction metadata (provide.transaction.metadata BEGIN marker)' },
  '11-end': { skip: 'transaction metadata (END marker)' },
  '13': { skip: 'a logical decoding message (op m) is no row of any table' },
  '14-tutorial': { skip: 'a tombstone as the tutorial prints it: {schema: null, payload: null}' },
  '14-wire': { skip: 'a tombstone as JsonConverter writes it today: a null value' },
  // The unchanged TOAST column is left out: absent means "keep the stored value".
  '19': {
    event: { op: 'u', table: 'customers', before: null, txId: '627' },
    stored: { id: 1004n, first_name: 'Dana', last_name: 'Kretchmar', email: 'annek@noanswer.org' },
  },
  // Base64 decimals without a schema: the spec column's scale (2) reads them.
  '03': {
    event: { op: 'c', table: 'order_lines', ts: 1610716846989, txId: '608' },
    stored: {
      id: 1n,
      item: 'Debezium in Action',
      quantity: 2n,
      status: 'ENTERED',
      totalprice: '39.98',
      order_id: 1n,
    },
  },
  '04': {
    event: { op: 'u', table: 'order_lines', before: null, txId: '609' },
    stored: {
      id: 2n,
      item: 'Debezium for Dummies',
      quantity: 1n,
      status: 'CANCELLED',
      totalprice: '29.99',
      order_id: 1n,
    },
  },
  // A MicroTimestamp without its schema is a bare number, read as epoch ms: out of range, refused
  // (docs/sources.md: without schemas, send text timestamps). With its schema it is exact.
  '05': {
    event: {
      op: 'c',
      table: 'purchase_orders',
      after: { id: 1, customerid: 123, orderdate: 1548936781000000 },
    },
    refused: /purchase_orders\.orderdate \(timestamp\)/,
  },
  '05-with-schema': {
    event: {
      op: 'c',
      table: 'purchase_orders',
      hints: { orderdate: { semantic: 'io.debezium.time.MicroTimestamp' } },
    },
    stored: { id: 1n, customerid: 123n, orderdate: '2019-01-31T12:13:01.000000' },
  },
  '16': {
    event: { op: 'r', table: 'products', before: null, ts: 1596001099434, txId: '601' },
    stored: { id: 101n, name: 'scooter', description: 'Small 2-wheel scooter', weight: 3.14 },
  },
  '17': {
    event: { op: 'u', table: 'products', txId: '602' },
    stored: { id: 106n, name: 'hammer', description: '18oz carpenter hammer', weight: 1 },
  },
  '18': {
    event: { op: 'd', table: 'products', after: null, txId: '608' },
    stored: { id: 111n, name: 'scooter', description: 'Big 2-wheel scooter ', weight: 5.17 },
  },
  // No source block: the topic names the table.
  '12': { event: { op: 'c', table: 'a', before: null, ts: 1580390884335 }, stored: { pk: 2n, aa: '1' } },
  '15-delete-rewrite': { event: { op: 'd', table: 'flat', after: null }, stored: { pk: 2n, cola: null } },
  '15-add-fields-excerpt': { rejected: 'the flattened row has no columns besides __ metadata fields' },
  '15-key-only-in-key': { event: { op: 'd', table: 'flat', after: null }, stored: { pk: 3n, cola: null } },
};

let cluster: KafkaCluster;
let product: Product;
const topicOf = new Map<string, string>();
const delivered = new Map<string, ChangeEvent | RejectedInput>();

beforeAll(async () => {
  const prefix = uniqueName('fixtures');
  for (const t of [...TABLES, 'flat']) topicOf.set(t, `${prefix}.${t}`);
  cluster = await startKafka({ topics: [...topicOf.values()].map((name) => ({ name, partitions: 1 })) });
  const group = { ...FAST_GROUP, brokers: cluster.brokers, groupId: uniqueName('fixtures') };
  const envelopes = Object.fromEntries(TABLES.map((t) => [topicOf.get(t), t]));
  const sources = {
    events: { type: 'kafka', format: 'debezium', ...group, topics: envelopes },
    flat: {
      type: 'kafka',
      format: 'debezium-unwrapped',
      ...group,
      groupId: `${group.groupId}-flat`,
      topics: { [topicOf.get('flat')!]: 'flat' },
    },
  };
  product = compileProduct(
    parseSpec(`${SPEC}sources: ${JSON.stringify(sources)}\n`, '/fixtures/fixtures.yaml', {}),
  );

  const offsets = new Map<string, string>(); // input name → `topic offset`
  for (const [topic, name] of topicOf) {
    const inputs = INPUTS.filter((i) => i.topic === topic);
    for (const [offset, input] of inputs.entries()) offsets.set(input.name, `${name} ${offset}`);
    const messages: Message[] = inputs.map((i) => ({
      key: i.key === undefined ? null : JSON.stringify(i.key),
      value: i.value === null ? null : JSON.stringify(i.value),
    }));
    if (messages.length > 0) await produce(cluster.brokers, name, messages);
  }
  const byPosition = new Map<string, ChangeEvent | RejectedInput>();
  for (const source of product.sources) {
    const connector = new KafkaConnector(product, source);
    const ctx = new RecordingContext();
    try {
      await connector.start(ctx);
    } finally {
      await connector.stop();
    }
    for (const item of [...ctx.events, ...ctx.rejected]) {
      const [, topic, partition] = /\/([^/]+)\/([0-9]+)$/.exec(item.position.stream) ?? [];
      expect(partition).toBe('0');
      byPosition.set(`${topic} ${item.position.token}`, item);
    }
  }
  for (const [name, at] of offsets) {
    const item = byPosition.get(at);
    if (item) delivered.set(name, item);
  }
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
});

describe('the shared Debezium fixtures through Kafka', () => {
  it('covers every fixture file', () => {
    const covered = new Set(INPUTS.map((i) => i.name.slice(0, 2)));
    expect([...new Set(fixtureNames().map((n) => n.slice(0, 2)))].filter((p) => !covered.has(p))).toEqual([]);
  });

  it.each(Object.entries(EXPECTED))('%s', (name, expected) => {
    const item = delivered.get(name);
    if ('skip' in expected) {
      expect(item, expected.skip).toBeUndefined();
      return;
    }
    if ('rejected' in expected) {
      expect(item).toMatchObject({ code: 'CELLAR_ERR_EVENT_DECODE', reason: expected.rejected });
      return;
    }
    const event = item as ChangeEvent;
    expect(event).toMatchObject(expected.event);
    const input = INPUTS.find((i) => i.name === name)!;
    expect(event.position.stream).toBe(
      `fixtures/${input.topic === 'flat' ? 'flat' : 'events'}/${topicOf.get(input.topic)}/0`,
    );
    const table = product.tablesByName.get(event.table)!;
    const image = event.op === 'd' ? event.before : event.after;
    if ('refused' in expected) {
      const error = (() => {
        try {
          toStoredRow(table, image ?? {}, event.hints);
        } catch (err) {
          return err;
        }
      })();
      expect(isCellarError(error, 'CELLAR_ERR_EVENT_TYPE')).toBe(true);
      expect((error as Error).message).toMatch(expected.refused);
      return;
    }
    expect(image === null ? {} : toStoredRow(table, image, event.hints)).toEqual(expected.stored);
  });
});
