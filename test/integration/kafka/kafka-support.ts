import { CompressionTypes, type IHeaders, Kafka, type KafkaMessage, logLevel, type Message } from 'kafkajs';
import type { ConnectorContext } from '../../../src/connectors/connector.js';
import type { ChangeBatch, ChangeEvent, RejectedInput } from '../../../src/sync/change-event.js';

/**
 * Short group timeouts, as docs/testing.md advises for the mock cluster (6 s is also the smallest
 * session timeout a real broker accepts by default).
 */
export const FAST_GROUP = {
  sessionTimeoutMs: 6_000,
  rebalanceTimeoutMs: 3_000,
  heartbeatIntervalMs: 500,
} as const;

/** The same, for kafkajs consumers the tests make themselves. */
export const FAST_CONSUMER = {
  sessionTimeout: 6_000,
  rebalanceTimeout: 3_000,
  heartbeatInterval: 500,
} as const;

export function testKafka(brokers: readonly string[]): Kafka {
  return new Kafka({ clientId: 'cellar-test', brokers: [...brokers], logLevel: logLevel.NOTHING });
}

/**
 * Produces messages to a topic in chunks (non-idempotent: the mock cluster has no controller).
 * `gzip` compresses each chunk: a mock partition keeps only its last 5 MiB of (stored, so
 * compressed) batches, which large tests would otherwise overrun.
 */
export async function produce(
  brokers: readonly string[],
  topic: string,
  messages: readonly Message[],
  options: { readonly gzip?: boolean } = {},
): Promise<void> {
  const producer = testKafka(brokers).producer({ idempotent: false });
  await producer.connect();
  const compression = options.gzip ? CompressionTypes.GZIP : CompressionTypes.None;
  try {
    for (let i = 0; i < messages.length; i += 2_000) {
      await producer.send({ topic, acks: -1, compression, messages: messages.slice(i, i + 2_000) });
    }
  } finally {
    await producer.disconnect();
  }
}

/** A JSON message keyed by a Debezium-style key `{"id": …}`. */
export function jsonMessage(id: number | null, value: unknown, partition?: number): Message {
  return {
    key: id === null ? null : JSON.stringify({ id }),
    value: value === null ? null : typeof value === 'string' ? value : JSON.stringify(value),
    ...(partition === undefined ? {} : { partition }),
  };
}

/** The group's committed offsets, `topic/partition` → offset (-1 when none). */
export async function committedOffsets(
  brokers: readonly string[],
  groupId: string,
  topics: readonly string[],
): Promise<Map<string, bigint>> {
  const admin = testKafka(brokers).admin();
  await admin.connect();
  try {
    const out = new Map<string, bigint>();
    for (const t of await admin.fetchOffsets({ groupId, topics: [...topics] })) {
      for (const p of t.partitions) out.set(`${t.topic}/${p.partition}`, BigInt(p.offset));
    }
    return out;
  } finally {
    await admin.disconnect();
  }
}

/** High watermarks of a topic, `topic/partition` → offset. */
export async function highWatermarks(
  brokers: readonly string[],
  topics: readonly string[],
): Promise<Map<string, bigint>> {
  const admin = testKafka(brokers).admin();
  await admin.connect();
  try {
    const out = new Map<string, bigint>();
    for (const topic of topics) {
      for (const p of await admin.fetchTopicOffsets(topic))
        out.set(`${topic}/${p.partition}`, BigInt(p.high));
    }
    return out;
  } finally {
    await admin.disconnect();
  }
}

/** A record read back from a topic, headers as text. */
export interface ReadRecord {
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: string | null;
  readonly headers: Readonly<Record<string, string>>;
}

/** Reads every record of a topic, up to the high watermarks it has now. */
export async function readTopic(brokers: readonly string[], topic: string): Promise<ReadRecord[]> {
  const marks = await highWatermarks(brokers, [topic]);
  const remaining = new Map([...marks].filter(([, high]) => high > 0n));
  const out: ReadRecord[] = [];
  if (remaining.size === 0) return out;
  const consumer = testKafka(brokers).consumer({
    groupId: `reader-${topic}-${Date.now()}`,
    ...FAST_CONSUMER,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            out.push(readRecord(partition, message));
            const key = `${topic}/${partition}`;
            if (BigInt(message.offset) + 1n >= (remaining.get(key) ?? 0n)) remaining.delete(key);
            if (remaining.size === 0) resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return out.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
}

function readRecord(partition: number, message: KafkaMessage): ReadRecord {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? ({} as IHeaders))) {
    headers[name] = Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  }
  return {
    partition,
    offset: message.offset,
    key: message.key === null ? null : message.key.toString('utf8'),
    value: message.value === null ? null : message.value.toString('utf8'),
    headers,
  };
}

/** A connector context that records what it is given, for tests without an engine. */
export class RecordingContext implements ConnectorContext {
  readonly batches: ChangeBatch[] = [];
  readonly controller = new AbortController();
  readonly signal = this.controller.signal;
  onDeliver: ((batch: ChangeBatch) => Promise<void> | void) | undefined;

  constructor(
    readonly positions: ReadonlyMap<string, string> = new Map(),
    readonly follow = false,
  ) {}

  async deliver(batch: ChangeBatch): Promise<void> {
    this.batches.push(batch);
    await this.onDeliver?.(batch);
  }

  get events(): ChangeEvent[] {
    return this.batches.flatMap((b) => b.events);
  }

  get rejected(): RejectedInput[] {
    return this.batches.flatMap((b) => b.rejected);
  }
}

/** Polls `check` every 100 ms until it holds; fails after `timeoutMs`. */
export async function eventually(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: still not true after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
