import { describeConnectorConformance, type RowChange } from '../connectors/conformance.js';
import { debeziumEnvelope } from '../connectors/debezium-json.js';
import { startKafka } from '../harness/kafka.js';
import { uniqueName } from '../harness/unique-name.js';
import { FAST_GROUP, jsonMessage, produce } from './kafka-support.js';

const TABLES = ['customers', 'orders', 'order_items'] as const;

/**
 * The Kafka source under the conformance suite: Debezium's PostgreSQL topics, one per table with
 * two partitions each, records keyed by primary key (so a row's changes stay in order, and rows
 * of one entity spread over topics and partitions).
 */
describeConnectorConformance('kafka', {
  async open() {
    const prefix = uniqueName('crm');
    const topicOf = (table: string) => `${prefix}.public.${table}`;
    const cluster = await startKafka({
      topics: TABLES.flatMap((t) => [
        { name: topicOf(t), partitions: 2 },
        { name: `${topicOf(t)}.dlq`, partitions: 1 },
      ]),
    });
    const send = async (changes: readonly RowChange[], snapshot: boolean) => {
      for (const table of TABLES) {
        const records = changes
          .filter((c) => c.table === table)
          .map((c) => jsonMessage(c.row.id as number, debeziumEnvelope(c, snapshot)));
        if (records.length > 0) await produce(cluster.brokers, topicOf(table), records);
      }
    };
    const options = { ...FAST_GROUP, brokers: cluster.brokers.join(','), groupId: uniqueName('cellar') };
    const topics = Object.fromEntries(TABLES.map((t) => [topicOf(t), t]));
    return {
      spec: JSON.stringify({ type: 'kafka', format: 'debezium', ...options, topics }),
      snapshot: (rows) => send(rows, true),
      changes: (changes) => send(changes, false),
      async badInput() {
        const order = (row: Record<string, unknown>) =>
          debeziumEnvelope({ op: 'insert', table: 'orders', row: row as RowChange['row'] }, false);
        await produce(cluster.brokers, topicOf('customers'), [
          jsonMessage(77, '{"op": "c", "after": {"id": 77'),
        ]);
        await produce(cluster.brokers, topicOf('orders'), [
          jsonMessage(901, order({ id: 901, customer_id: 1, total: 'twelve', status: 'new' })),
          jsonMessage(902, order({ customer_id: 1, total: '1.00', status: 'new' })),
        ]);
        return 3;
      },
      close: () => cluster.stop(),
    };
  },
});
