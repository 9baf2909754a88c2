import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Message } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSample } from '../../../config/samples/generate.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { KafkaConnector } from '../../../src/connectors/kafka/kafka-connector.js';
import { compileProduct } from '../../../src/product/compile.js';
import { parseSpec } from '../../../src/product/load-spec.js';
import { openRuntime } from '../../../src/runtime/runtime.js';
import { startCli } from '../../support/cli.js';
import { dumpEntities } from '../../support/dump-entities.js';
import { startKafka } from '../harness/kafka.js';
import { uniqueName } from '../harness/unique-name.js';
import {
  committedOffsets,
  eventually,
  FAST_GROUP,
  highWatermarks,
  produce,
  RecordingContext,
} from './kafka-support.js';

/**
 * Exactly-once in effect, end to end: ~100,000 Debezium events of the demo's shape (creates,
 * updates, deletes of customers, orders and order items) on one topic of six partitions, keyed by
 * entity (customer) id — random entity keys, each entity's changes in order in one partition, as
 * Debezium's topic routing with an entity key writes them — synced by `cellar sync --follow`
 * whose product has two Kafka sources in one consumer group (so the partitions are shared between
 * two members in one process). The process is SIGKILLed mid-way and restarted; while the second
 * one runs, a third member joins the group from this process (forcing a rebalance away from and
 * back to the Cellar members) and more events arrive. The micro-databases must end equal to the
 * state the events describe.
 *
 * (One topic, not one per table: with a topic per table, the engine may see a child row's delete
 * before the parent row its create waits for, and the create then wins — an engine issue of
 * cross-topic ordering, reported separately, that this test of the Kafka source must not depend on.)
 */

const TABLES = ['customers', 'orders', 'order_items'] as const;

const PARTITIONS = 6;

const spec = (brokers: readonly string[], groupId: string, topic: string) => {
  const source = {
    type: 'kafka',
    format: 'debezium',
    brokers: [...brokers],
    groupId,
    ...FAST_GROUP,
    topics: { [topic]: 'customers' },
    sourceTables: Object.fromEntries(TABLES.map((t) => [`public.${t}`, t])),
  };
  return `
product: customer360
version: 1.0.0
owner: tests
entity: { name: customer }
tables:
  customers:
    root: true
    primaryKey: [id]
    entityId: id
    columns: { id: {type: integer}, first_name: {type: text}, last_name: {type: text}, email: {type: text}, ssn: {type: text}, phone: {type: text}, birth_date: {type: date}, created_at: {type: timestamp} }
  orders:
    primaryKey: [id]
    entityId: customer_id
    columns: { id: {type: integer}, customer_id: {type: integer}, total: {type: decimal, scale: 2}, status: {type: text}, placed_at: {type: timestamp} }
  order_items:
    primaryKey: [id]
    parent: { table: orders, key: order_id }
    columns: { id: {type: integer}, order_id: {type: integer}, sku: {type: text}, qty: {type: integer} }
sources:
  events-a: ${JSON.stringify(source)}
  events-b: ${JSON.stringify(source)}
access:
  support: { read: true }
`;
};

/** The sample's lines as records keyed by entity (customer) id, in order; a tombstone follows its delete. */
function records(lines: readonly string[]): Message[] {
  const out: Message[] = [];
  const customerOfOrder = new Map<number, number>();
  const orderOfItem = new Map<number, number>();
  let lastDeletedCustomer: number | undefined;
  for (const line of lines) {
    if (line === 'null') {
      out.push({ key: JSON.stringify({ id: lastDeletedCustomer }), value: null });
      continue;
    }
    const parsed = JSON.parse(line) as { payload?: Payload } & Payload;
    const payload = parsed.payload ?? parsed;
    const row = (payload.after ?? payload.before) as Payload['after'] & Record<string, number>;
    let entity: number | undefined;
    if (payload.source.table === 'customers') {
      entity = row.id;
      if (payload.op === 'd') lastDeletedCustomer = row.id;
    } else if (payload.source.table === 'orders') {
      if (row.customer_id !== undefined) customerOfOrder.set(row.id, row.customer_id);
      entity = customerOfOrder.get(row.id);
    } else {
      if (row.order_id !== undefined) orderOfItem.set(row.id, row.order_id);
      entity = customerOfOrder.get(orderOfItem.get(row.id) ?? -1);
    }
    if (entity === undefined) throw new Error(`no entity for a ${payload.source.table} row`);
    out.push({ key: JSON.stringify({ customer: entity }), value: line });
  }
  return out;
}
interface Payload {
  readonly op: string;
  readonly before: { readonly id: number } | null;
  readonly after: { readonly id: number } | null;
  readonly source: { readonly table: string };
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

describe('Kafka sync consistency', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cellar-kafka-consistency-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ends equal to the events after a SIGKILL, a restart and a rebalance', {
    timeout: 240_000,
  }, async () => {
    const sample = generateSample({ customers: 9_600, transactions: 22_200, seed: 5 });
    expect(sample.lines.length).toBeGreaterThanOrEqual(100_000);
    const topic = uniqueName('crm_customer360');
    const cluster = await startKafka({ topics: [{ name: topic, partitions: PARTITIONS }] });
    const children: ChildProcess[] = [];
    let intruder: KafkaConnector | undefined;
    try {
      const { brokers } = cluster;
      const groupId = uniqueName('cellar');
      const topics = [topic];
      const specText = spec(brokers, groupId, topic);
      mkdirSync(join(dir, 'products'));
      writeFileSync(join(dir, 'products', 'customer360.yaml'), specText);
      const config = join(dir, 'cellar.yaml');
      writeFileSync(
        config,
        'dataDir: ./data\nmasterKey: { file: ./data/master.key, createIfMissing: true }\nproducts: [./products]\n' +
          'sync: { maxDirtyEntities: 2000, flushIntervalMs: 50, orphanWaitMs: 600000 }\n',
      );

      // 70 % of the events now, the rest while the restarted process runs.
      const cut = Math.floor(sample.lines.length * 0.7);
      const all = records(sample.lines); // one record per line
      const produceAll = (messages: readonly Message[]) => produce(brokers, topic, messages, { gzip: true });
      await produceAll(all.slice(0, cut));
      const progress = async () => {
        let sum = 0n;
        for (const offset of (await committedOffsets(brokers, groupId, topics)).values())
          if (offset > 0n) sum += offset;
        return Number(sum);
      };
      const caughtUp = async () => {
        const [committed, high] = [
          await committedOffsets(brokers, groupId, topics),
          await highWatermarks(brokers, topics),
        ];
        return [...high].every(([partition, mark]) => committed.get(partition) === mark);
      };

      // First process: killed once about a quarter of the events are committed.
      const first = startCli(['sync', '--follow', '--config', config]);
      children.push(first);
      const firstExit = exited(first);
      await eventually(
        'the first process commits a quarter',
        async () => (await progress()) >= cut / 4,
        90_000,
      );
      first.kill('SIGKILL');
      expect((await firstExit).signal).toBe('SIGKILL');
      expect(await progress()).toBeLessThan(cut);

      // Second process; a third member joins and leaves; the rest of the events arrive.
      const second = startCli(['sync', '--follow', '--config', config]);
      children.push(second);
      let output = '';
      second.stdout?.on('data', (chunk) => (output += String(chunk)));
      second.stderr?.on('data', (chunk) => (output += String(chunk)));
      const secondExit = exited(second);
      const resumedFrom = await progress();
      await eventually(
        'the second process makes progress',
        async () => (await progress()) > resumedFrom,
        90_000,
      );

      const product = compileProduct(parseSpec(specText, join(dir, 'products', 'customer360.yaml'), {}));
      intruder = new KafkaConnector(product, product.sources[0]!);
      const intruderCtx = new RecordingContext(new Map(), true);
      const intruding = intruder.start(intruderCtx).then(
        () => undefined,
        (err: unknown) => err,
      );
      await produceAll(all.slice(cut));
      await eventually(
        'the third member is given partitions and reads',
        () => intruderCtx.batches.length > 0,
        60_000,
      );
      intruderCtx.controller.abort();
      expect(await intruding).toBeUndefined();
      await intruder.stop();

      await eventually('the group has committed every offset', caughtUp, 120_000);
      second.kill('SIGTERM');
      const { code } = await secondExit;
      expect(code, output).toBe(0);

      const runtime = await openRuntime(loadConfig(config, {}));
      try {
        const actual = await dumpEntities(runtime, 'customer360');
        expect(actual.size).toBe(sample.expected.size);
        for (const [id, entity] of sample.expected) expect(actual.get(id), `entity ${id}`).toEqual(entity);
        expect((await runtime.blobs.deadLetters(10)).total).toBe(0);
      } finally {
        await runtime.close();
      }
    } finally {
      for (const child of children)
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await intruder?.stop();
      await cluster.stop();
    }
  });
});
