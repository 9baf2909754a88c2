import { afterEach, describe, expect, it } from 'vitest';
import { KafkaConnector } from '../../../src/connectors/kafka/kafka-connector.js';
import { isCellarError } from '../../../src/errors.js';
import type { SourceDef } from '../../../src/product/types.js';
import { testProduct } from '../../unit/connectors/test-product.js';
import { type KafkaCluster, startKafka } from '../harness/kafka.js';
import { uniqueName } from '../harness/unique-name.js';
import {
  committedOffsets,
  eventually,
  FAST_GROUP,
  jsonMessage,
  produce,
  RecordingContext,
} from './kafka-support.js';

/** A bare Debezium envelope (schemas.enable=false) of the PostgreSQL connector. */
function envelope(table: string, op: string, before: unknown, after: unknown) {
  return {
    before,
    after,
    op,
    source: { schema: 'public', table, ts_ms: 1_700_000_000_000, txId: 7 },
    ts_ms: 1,
  };
}

const customer = (id: number, email = `c${id}@example.com`) =>
  jsonMessage(id, envelope('customers', 'c', null, { id, email }), 0);

let cluster: KafkaCluster | undefined;
const connectors: KafkaConnector[] = [];
afterEach(async () => {
  await Promise.allSettled(connectors.splice(0).map((c) => c.stop()));
  await cluster?.stop();
  cluster = undefined;
});

async function setup(partitions = 1) {
  const topic = uniqueName('customers');
  cluster = await startKafka({
    topics: [
      { name: topic, partitions },
      { name: `${topic}.dlq`, partitions: 1 },
    ],
  });
  const groupId = uniqueName('group');
  const source = (options: Record<string, unknown> = {}): SourceDef => ({
    name: 'events',
    type: 'kafka',
    tables: new Map([[topic, 'customers']]),
    options: { brokers: cluster!.brokers.join(','), groupId, ...FAST_GROUP, ...options },
  });
  const connector = (options?: Record<string, unknown>) => {
    const c = new KafkaConnector(testProduct(), source(options));
    connectors.push(c);
    return c;
  };
  return { topic, groupId, brokers: cluster.brokers, connector };
}

describe('Kafka connector', () => {
  it('delivers a bounded run with offsets as positions, skipping tombstones, rejecting bad JSON', async () => {
    const { topic, connector } = await setup();
    await produce(cluster!.brokers, topic, [
      customer(1),
      customer(2),
      jsonMessage(2, null, 0), // tombstone
      jsonMessage(3, '{"op": "c", "after": {"id": 3', 0),
      jsonMessage(null, { schema: null, payload: null }, 0),
      customer(4),
    ]);
    const source = connector();
    const ctx = new RecordingContext();
    await source.start(ctx);
    expect(ctx.events.map((e) => [e.after?.id, e.position.token])).toEqual([
      [1, '0'],
      [2, '1'],
      [4, '5'],
    ]);
    expect(ctx.events[0]).toMatchObject({
      op: 'c',
      table: 'customers',
      ts: 1_700_000_000_000,
      txId: '7',
      position: { stream: `customer360/events/${topic}/0`, token: '0', order: 0n },
    });
    expect(ctx.rejected).toEqual([
      {
        position: { stream: `customer360/events/${topic}/0`, token: '3', order: 3n },
        raw: '{"op": "c", "after": {"id": 3',
        code: 'CELLAR_ERR_EVENT_DECODE',
        reason: expect.stringMatching(/^not valid JSON: expected/),
      },
    ]);
  });

  it('commits offset + 1 on acknowledge, past trailing tombstones, for lag tools', async () => {
    const { topic, groupId, brokers, connector } = await setup();
    await produce(brokers, topic, [
      customer(1),
      customer(2),
      jsonMessage(2, null, 0),
      jsonMessage(2, null, 0),
    ]);
    const source = connector();
    const ctx = new RecordingContext();
    await source.start(ctx);
    expect(ctx.events).toHaveLength(2);
    await source.acknowledge(new Map([[`customer360/events/${topic}/0`, '0']]));
    await eventually('offset 1 committed', async () => {
      return (await committedOffsets(brokers, groupId, [topic])).get(`${topic}/0`) === 1n;
    });
    // Everything delivered is durable now: the commit covers the two tombstones read after it.
    await source.acknowledge(new Map([[`customer360/events/${topic}/0`, '1']]));
    await source.stop();
    expect((await committedOffsets(brokers, groupId, [topic])).get(`${topic}/0`)).toBe(4n);
  });

  it('resumes after the stored position when it is ahead of the committed offset, else after the commit', async () => {
    const { topic, groupId, brokers, connector } = await setup();
    await produce(
      brokers,
      topic,
      [1, 2, 3, 4, 5].map((id) => customer(id)),
    );
    const stream = `customer360/events/${topic}/0`;

    // Nothing committed in Kafka; the store has offsets 0–2.
    const first = new RecordingContext(new Map([[stream, '2']]));
    const a = connector();
    await a.start(first);
    expect(first.events.map((e) => e.position.token)).toEqual(['3', '4']);
    await a.acknowledge(new Map([[stream, '4']]));
    await a.stop();
    expect((await committedOffsets(brokers, groupId, [topic])).get(`${topic}/0`)).toBe(5n);

    // Kafka's commit (5) is ahead of a stale stored position (1): the commit wins.
    await produce(brokers, topic, [customer(6)]);
    const second = new RecordingContext(new Map([[stream, '1']]));
    await connector().start(second);
    expect(second.events.map((e) => e.position.token)).toEqual(['5']);
  });

  it('follows new records until aborted, then stops without losing the acknowledged commit', async () => {
    const { topic, groupId, brokers, connector } = await setup(2);
    const source = connector();
    const ctx = new RecordingContext(new Map(), true);
    const running = source.start(ctx);
    await produce(brokers, topic, [
      customer(1),
      jsonMessage(2, envelope('customers', 'c', null, { id: 2 }), 1),
    ]);
    await eventually('both records delivered', () => ctx.events.length === 2);
    ctx.controller.abort();
    await running;
    await source.acknowledge(
      new Map([
        [`customer360/events/${topic}/0`, '0'],
        [`customer360/events/${topic}/1`, '0'],
      ]),
    );
    await source.stop();
    const committed = await committedOffsets(brokers, groupId, [topic]);
    expect([committed.get(`${topic}/0`), committed.get(`${topic}/1`)]).toEqual([1n, 1n]);
  });

  it('ends cleanly when aborted while its delivery sees the group rebalancing', async () => {
    const { topic, brokers, connector } = await setup(2);
    const first = connector();
    const ctx = new RecordingContext(new Map(), true);
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    ctx.onDeliver = () => held; // the first member stays inside its delivery
    const running = first.start(ctx).then(
      () => undefined,
      (err: unknown) => err,
    );
    await produce(brokers, topic, [customer(1)]);
    await eventually('the first record is being delivered', () => ctx.batches.length === 1);
    // A second member joins: the coordinator starts a rebalance the held member learns of on
    // its next heartbeat, after the delivery — just as it is told to stop.
    const second = connector();
    const secondCtx = new RecordingContext(new Map(), true);
    const joining = second.start(secondCtx).catch((err: unknown) => err);
    await new Promise((resolve) => setTimeout(resolve, FAST_GROUP.heartbeatIntervalMs * 3));
    ctx.controller.abort();
    release();
    expect(await running).toBeUndefined();
    await first.stop();
    secondCtx.controller.abort();
    expect(await joining).toBeUndefined();
  });

  it('rejects start with CELLAR_ERR_SOURCE_UNAVAILABLE when no broker answers', async () => {
    const { connector } = await setup();
    await cluster!.stop();
    const source = connector();
    const error = await source.start(new RecordingContext()).catch((err: unknown) => err);
    expect(isCellarError(error, 'CELLAR_ERR_SOURCE_UNAVAILABLE')).toBe(true);
  });
});
