/**
 * Kafka → durable blobs: 50,000 demo-shaped Debezium events (the sample generator's snapshot and
 * stream of customers, orders and order items; ~1 % with `{schema, payload}` and Debezium's
 * encodings) on three topics of two partitions each, keyed by primary key as Debezium writes
 * them, produced to librdkafka's mock cluster first; then one bounded run (`follow: false`) of the
 * kafka source through the engine until every event is durable and acknowledged.
 *
 * Reported: `events_per_sec` from the first delivered batch to the end (the mock's consumer-group
 * join, ~3 s, is its own figure, `join_seconds`); `seconds` for the whole run. References in the
 * same process: plain SQLite upserts (as in sync.ts, for `throughput_ratio`), and the rate at
 * which a bare kafkajs consumer reads the same topics (`kafka_read_per_sec`: what the source can
 * give at most on this machine).
 *
 * Usage: kafka.ts   (N=… for another event count)
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CompressionTypes, Kafka, logLevel, type Message } from 'kafkajs';
import { generateSample } from '../../config/samples/generate.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { Connector } from '../../src/connectors/connector.js';
import { KafkaConnector } from '../../src/connectors/kafka/kafka-connector.js';
import { openSync } from '../../src/runtime/open-sync.js';
import { openRuntime } from '../../src/runtime/runtime.js';
import { startKafka } from '../../test/integration/harness/kafka.js';
import { report } from '../support/stats.js';

const TABLES = ['customers', 'orders', 'order_items'] as const;
const N = Number(process.env.N ?? 50_000);
const topicOf = (table: string) => `crm.public.${table}`;
const GROUP = { sessionTimeoutMs: 6_000, rebalanceTimeoutMs: 3_000, heartbeatIntervalMs: 500 };
const SPEC = new URL('../../config/products/customer360.yaml', import.meta.url).pathname;

/** Sample lines as keyed records per topic, in order (tombstones follow their delete). */
function records(lines: readonly string[]): Map<string, Message[]> {
  const out = new Map<string, Message[]>(TABLES.map((t) => [topicOf(t), []]));
  let deleted: number | undefined;
  for (const line of lines) {
    if (line === 'null') {
      out.get(topicOf('customers'))?.push({ key: JSON.stringify({ id: deleted }), value: null });
      continue;
    }
    const value = JSON.parse(line) as { payload?: Payload } & Payload;
    const payload = value.payload ?? value;
    const id = (payload.after ?? payload.before)?.id;
    if (payload.op === 'd') deleted = id;
    out.get(topicOf(payload.source.table))?.push({ key: JSON.stringify({ id }), value: line });
  }
  return out;
}
interface Payload {
  readonly op: string;
  readonly before: { readonly id: number } | null;
  readonly after: { readonly id: number } | null;
  readonly source: { readonly table: string };
}

/** The demo's sample scaled to about `n` events (≈ 5.2 events per customer, 2.3 per transaction). */
function sample(n: number): readonly string[] {
  const customers = Math.max(10, Math.round(n / 10.4));
  return generateSample({ customers, transactions: Math.round((n - customers * 5.2) / 2.3), seed: 50 }).lines;
}

function referenceUpsertsPerSec(): number {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT, c INTEGER) WITHOUT ROWID');
  const upsert = db.prepare(
    'INSERT INTO t VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET a = excluded.a, b = excluded.b, c = excluded.c',
  );
  const n = 200_000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) upsert.run(i % 5000, `a${i}`, `b${i}`, i);
  return n / ((performance.now() - t0) / 1000);
}

/** Reads every record of the topics with a bare kafkajs consumer; records/s from its first batch. */
async function kafkaReadPerSec(brokers: readonly string[], total: number): Promise<number> {
  const kafka = new Kafka({ clientId: 'bench-read', brokers: [...brokers], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({
    groupId: 'bench-read',
    sessionTimeout: GROUP.sessionTimeoutMs,
    rebalanceTimeout: GROUP.rebalanceTimeoutMs,
    heartbeatInterval: GROUP.heartbeatIntervalMs,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: TABLES.map(topicOf), fromBeginning: true });
    let read = 0;
    let first = 0;
    const done = new Promise<number>((resolve) => {
      void consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          first ||= performance.now();
          for (const message of batch.messages)
            if (message.value !== null) JSON.parse(message.value.toString());
          read += batch.messages.length;
          if (read >= total) resolve(read / ((performance.now() - first) / 1000));
        },
      });
    });
    return await done;
  } finally {
    await consumer.disconnect();
  }
}

const lines = sample(N);
const cluster = await startKafka({ topics: TABLES.map((t) => ({ name: topicOf(t), partitions: 2 })) });
const dir = mkdtempSync(join(tmpdir(), 'cellar-bench-kafka-'));
try {
  // gzip: a mock partition keeps only its last 5 MiB of stored batches.
  const producer = new Kafka({
    clientId: 'bench',
    brokers: cluster.brokers,
    logLevel: logLevel.NOTHING,
  }).producer({
    idempotent: false,
  });
  await producer.connect();
  let produced = 0;
  for (const [topic, messages] of records(lines)) {
    for (let i = 0; i < messages.length; i += 2_000) {
      await producer.send({
        topic,
        compression: CompressionTypes.GZIP,
        messages: messages.slice(i, i + 2_000),
      });
    }
    produced += messages.length;
  }
  await producer.disconnect();

  const config = join(dir, 'cellar.yaml');
  writeFileSync(
    config,
    `dataDir: ./data\nmasterKey: { file: ./data/master.key, createIfMissing: true }\nproducts: [${JSON.stringify(SPEC)}]\n`,
  );
  const runtime = await openRuntime(loadConfig(config, {}));
  try {
    const product = runtime.products.get('customer360');
    const kafka = new KafkaConnector(product, {
      name: 'events',
      type: 'kafka',
      tables: new Map(TABLES.map((t) => [topicOf(t), t])),
      options: { brokers: cluster.brokers, groupId: 'bench-cellar', ...GROUP },
    });
    let firstDelivery = 0;
    const timed: Connector = {
      name: kafka.name,
      start: (ctx) =>
        kafka.start({
          ...ctx,
          positions: ctx.positions,
          signal: ctx.signal,
          follow: ctx.follow,
          deliver: (batch) => {
            firstDelivery ||= performance.now();
            return ctx.deliver(batch);
          },
        }),
      acknowledge: (positions) => kafka.acknowledge(positions),
      stop: () => kafka.stop(),
    };
    const { engine } = await openSync(runtime);
    const t0 = performance.now();
    await engine.run([{ product, connector: timed }], { follow: false });
    const end = performance.now();
    const stats = await runtime.blobs.stats(product.name);
    const eventsPerSec = engine.stats.applied / ((end - firstDelivery) / 1000);
    const reference = referenceUpsertsPerSec();
    report({
      case: 'sync-kafka',
      events: lines.filter((l) => l !== 'null').length,
      records: produced,
      applied: engine.stats.applied,
      dead_letters: engine.stats.rejected,
      entities: stats.entities,
      join_seconds: (firstDelivery - t0) / 1000,
      seconds: (end - t0) / 1000,
      events_per_sec: eventsPerSec,
      commits: engine.stats.flushes,
      kafka_read_per_sec: await kafkaReadPerSec(cluster.brokers, produced),
      ref_upserts_per_sec: reference,
      throughput_ratio: eventsPerSec / reference,
    });
  } finally {
    await runtime.close();
  }
} finally {
  await cluster.stop();
  rmSync(dir, { recursive: true, force: true });
}
