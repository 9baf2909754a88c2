import { afterEach, describe, expect, it } from 'vitest';
import { openSync } from '../../../src/runtime/open-sync.js';
import { dumpEntities } from '../../support/dump-entities.js';
import { type TempRuntime, tempRuntime } from '../../support/temp-runtime.js';
import { CONFORMANCE_TABLES_YAML, type RowChange } from '../connectors/conformance-model.js';
import { debeziumEnvelope } from '../connectors/debezium-json.js';
import { type KafkaCluster, startKafka } from '../harness/kafka.js';
import { uniqueName } from '../harness/unique-name.js';
import { eventually, FAST_GROUP, jsonMessage, produce, readTopic } from './kafka-support.js';

let cluster: KafkaCluster | undefined;
let temp: TempRuntime | undefined;
afterEach(async () => {
  await cluster?.stop();
  temp?.cleanup();
  cluster = undefined;
  temp = undefined;
});

const envelope = (table: 'customers' | 'orders', row: Record<string, unknown>) =>
  debeziumEnvelope({ op: 'insert', table, row: row as RowChange['row'] }, false);

async function setup(sourceOptions: Record<string, unknown>, dlqTopics: readonly string[]) {
  const customers = uniqueName('customers');
  const orders = uniqueName('orders');
  cluster = await startKafka({
    topics: [
      { name: customers, partitions: 2 },
      { name: orders, partitions: 2 },
      ...dlqTopics.map((t) => ({
        name: t.replace('{customers}', customers).replace('{orders}', orders),
        partitions: 1,
      })),
    ],
  });
  const source = {
    type: 'kafka',
    brokers: cluster.brokers,
    groupId: uniqueName('cellar'),
    ...FAST_GROUP,
    ...sourceOptions,
    topics: { [customers]: 'customers', [orders]: 'orders' },
  };
  temp = tempRuntime({
    spec: `product: dlq\nversion: 1.0.0\nowner: tests\n${CONFORMANCE_TABLES_YAML}\nsources:\n  events: ${JSON.stringify(source)}\n`,
    sync: { orphanWaitMs: 300, flushIntervalMs: 50 },
  });
  return { customers, orders, brokers: cluster.brokers };
}

/** Runs sync until `until` holds (follow), or to the end (bounded). */
async function sync(
  until?: () => Promise<boolean>,
): Promise<{ deadLetters: number; entities: Map<string, unknown> }> {
  const runtime = await temp!.open();
  try {
    const { engine, sources } = await openSync(runtime);
    const controller = new AbortController();
    const run = engine.run(sources, { follow: until !== undefined, signal: controller.signal });
    if (until) {
      await Promise.race([eventually('the run reaches its goal', until, 60_000), run]);
      controller.abort();
    }
    await run;
    return {
      deadLetters: (await runtime.blobs.deadLetters(100)).total,
      entities: await dumpEntities(runtime, 'dlq'),
    };
  } finally {
    await runtime.close();
  }
}

describe('Kafka dead-letter topic', () => {
  it('gets invalid JSON, wrong types, unknown tables and missing keys with cellar-* headers, and sync goes on', async () => {
    // sourceTables: a record naming a table the map lacks is unknown, whatever its topic.
    const sourceTables = { 'public.customers': 'customers', 'public.orders': 'orders' };
    const { customers, orders, brokers } = await setup({ sourceTables }, ['{customers}.dlq', '{orders}.dlq']);
    const invoice = debeziumEnvelope({ op: 'insert', table: 'invoices' as 'orders', row: { id: 70 } }, false);
    const badJson = '{"op": "c", "after": {"id": 5, "name": "Eve"';
    const wrongType = envelope('orders', { id: 11, customer_id: 1, total: 'a lot', status: 'new' });
    const noKey = envelope('orders', { customer_id: 1, total: '3.00', status: 'new' });
    const piiWrongType = envelope('customers', { id: 6, name: { first: 'Mallory' }, email: 'm@example.com' });
    await produce(brokers, customers, [
      jsonMessage(1, envelope('customers', { id: 1, name: 'Ada', email: 'ada@example.com' }), 0),
      jsonMessage(5, badJson, 0),
      jsonMessage(2, envelope('customers', { id: 2, name: 'Bob', email: 'bob@example.com' }), 0),
      jsonMessage(6, piiWrongType, 0),
    ]);
    await produce(brokers, orders, [
      jsonMessage(11, wrongType, 1),
      jsonMessage(null, noKey, 1),
      jsonMessage(12, envelope('orders', { id: 12, customer_id: 2, total: '4.50', status: 'new' }), 1),
      jsonMessage(70, invoice, 1),
    ]);

    const { deadLetters, entities } = await sync();
    expect(deadLetters).toBe(5);
    expect([...entities.keys()]).toEqual(['1', '2']);
    expect((entities.get('2') as { orders: unknown[] }).orders).toEqual([
      { id: 12, customer_id: 2, total: '4.50', status: 'new' },
    ]);

    const [customerDlq, orderDlq] = [
      await readTopic(brokers, `${customers}.dlq`),
      await readTopic(brokers, `${orders}.dlq`),
    ];
    // The engine dead-letters a batch's failing events, then its undecodable records.
    const byOffset = (offset: string) =>
      customerDlq.filter((r) => r.headers['cellar-origin-offset'] === offset);
    const [piiLetter] = byOffset('3');
    expect(piiLetter?.value).toBe(JSON.stringify(piiWrongType));
    expect(piiLetter?.headers).toMatchObject({
      'cellar-error-code': 'CELLAR_ERR_EVENT_TYPE',
      'cellar-origin-offset': '3',
      'cellar-reason': expect.stringMatching(/customers\.name/),
    });
    // The value of a pii column is described, never quoted, in the reason.
    expect(piiLetter?.headers['cellar-reason']).not.toContain('Mallory');
    expect(customerDlq).toHaveLength(2);
    expect(byOffset('1')).toEqual([
      {
        partition: 0,
        offset: expect.any(String),
        key: '{"id":5}',
        value: badJson,
        headers: {
          'cellar-error-code': 'CELLAR_ERR_EVENT_DECODE',
          'cellar-reason': expect.stringMatching(/^not valid JSON/),
          'cellar-origin-topic': customers,
          'cellar-origin-partition': '0',
          'cellar-origin-offset': '1',
          'cellar-payload': 'record',
        },
      },
    ]);
    expect(
      orderDlq.map((r) => [r.value, r.headers['cellar-error-code'], r.headers['cellar-origin-offset']]),
    ).toEqual([
      [JSON.stringify(wrongType), 'CELLAR_ERR_EVENT_TYPE', '0'],
      [JSON.stringify(noKey), 'CELLAR_ERR_EVENT_MISSING_KEY', '1'],
      [JSON.stringify(invoice), 'CELLAR_ERR_EVENT_UNKNOWN_TABLE', '3'],
    ]);
    expect(orderDlq[0]?.headers['cellar-reason']).toMatch(/orders\.total/);
    expect(orderDlq[2]?.headers['cellar-reason']).toMatch(/public\.invoices/);
  });

  it('routes to a configured dlqTopic, and sends an orphan that expired later as its change event', async () => {
    const dlq = uniqueName('dead');
    const { customers, orders, brokers } = await setup({ dlqTopic: dlq }, [dlq]);
    await produce(brokers, orders, [
      jsonMessage(40, envelope('orders', { id: 40, customer_id: 404, total: '1.00', status: 'new' }), 0),
    ]);
    await produce(brokers, customers, [jsonMessage(1, envelope('customers', { id: 1, name: 'Ada' }), 0)]);
    const { deadLetters, entities } = await sync(async () => (await readTopic(brokers, dlq)).length > 0);
    expect(deadLetters).toBe(1);
    expect([...entities.keys()]).toEqual(['1']);
    const [letter] = await readTopic(brokers, dlq);
    expect(letter?.headers).toMatchObject({
      'cellar-error-code': 'CELLAR_ERR_EVENT_ORPHAN',
      'cellar-origin-topic': orders,
      'cellar-origin-offset': '0',
      'cellar-payload': 'change-event',
    });
    expect(JSON.parse(letter?.value ?? 'null')).toMatchObject({
      op: 'c',
      table: 'orders',
      after: { id: 40 },
    });
  });

  it('keeps dead letters in the store only with dlqTopic: false', async () => {
    const { customers, brokers } = await setup({ dlqTopic: false }, []);
    await produce(brokers, customers, [
      jsonMessage(9, 'not json', 0),
      jsonMessage(1, envelope('customers', { id: 1 }), 0),
    ]);
    const { deadLetters, entities } = await sync();
    expect(deadLetters).toBe(1);
    expect([...entities.keys()]).toEqual(['1']);
    expect(await readTopic(brokers, `${customers}.dlq`).catch(() => [])).toEqual([]);
  });
});
