import { describe, expect, it } from 'vitest';
import { openSync } from '../../../src/runtime/open-sync.js';
import { dumpEntities } from '../../support/dump-entities.js';
import { tempRuntime } from '../../support/temp-runtime.js';
import { envelopeSchema } from '../../unit/connectors/debezium/fixtures.js';
import { startKafka } from '../harness/kafka.js';
import { uniqueName } from '../harness/unique-name.js';
import { FAST_GROUP, jsonMessage, produce } from './kafka-support.js';

/**
 * Debezium's value encodings, from a Kafka topic through the engine into a micro-DB and back out
 * as the entity's JSON: decimals (base64 with the schema's or the spec's scale, variable scale),
 * Date, Timestamp, MicroTimestamp, ZonedTimestamp, uuid, json, booleans, bytes and int64 beyond
 * 2^53 — with `{schema, payload}` (hints) and without (the spec's types alone).
 */

const SPEC = `
product: encodings
version: 1.0.0
owner: tests
entity: { name: thing }
tables:
  things:
    root: true
    primaryKey: [id]
    entityId: id
    columns:
      id: { type: integer }
      price: { type: decimal, scale: 2 }
      ratio: { type: decimal }
      born: { type: date }
      day_start: { type: timestamp }
      seen: { type: timestamp }
      micro: { type: timestamp }
      at: { type: timestamptz }
      uid: { type: uuid }
      doc: { type: json }
      flag: { type: boolean }
      blob: { type: bytes }
      big: { type: integer }
access:
  support: { read: true }
`;

/** Kafka Connect Decimal: big-endian two's-complement unscaled bytes, base64. */
function decimal(unscaled: bigint): string {
  let hex = (unscaled < 0n ? (1n << 64n) + unscaled : unscaled).toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if (unscaled >= 0n && (bytes[0] ?? 0) >= 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  if (unscaled < 0n)
    while (bytes.length > 1 && bytes[0] === 0xff && (bytes[1] ?? 0) >= 0x80) bytes = bytes.subarray(1);
  return bytes.toString('base64');
}

const field = (name: string, type: string, extra: Record<string, unknown> = {}) => ({
  type,
  optional: true,
  field: name,
  ...extra,
});
const SCHEMA = envelopeSchema([
  field('id', 'int64'),
  field('price', 'bytes', { name: 'org.apache.kafka.connect.data.Decimal', parameters: { scale: '3' } }),
  field('ratio', 'struct', { name: 'io.debezium.data.VariableScaleDecimal' }),
  field('born', 'int32', { name: 'io.debezium.time.Date' }),
  field('day_start', 'int32', { name: 'io.debezium.time.Date' }),
  field('seen', 'int64', { name: 'io.debezium.time.Timestamp' }),
  field('micro', 'int64', { name: 'io.debezium.time.MicroTimestamp' }),
  field('at', 'string', { name: 'io.debezium.time.ZonedTimestamp' }),
  field('uid', 'string', { name: 'io.debezium.data.Uuid' }),
  field('doc', 'string', { name: 'io.debezium.data.Json' }),
  field('flag', 'boolean'),
  field('blob', 'bytes'),
  field('big', 'int64'),
]);

const source = { schema: 'public', table: 'things', ts_ms: 1_700_000_000_000 };
const WITH_SCHEMA = {
  schema: SCHEMA,
  payload: {
    before: null,
    after: {
      id: 1,
      price: decimal(-39_980n), // scale 3 from the schema: -39.980, stored at the spec's scale 2
      ratio: { scale: 4, value: decimal(12_345n) },
      born: 19_000,
      day_start: -1,
      seen: 1_700_000_000_123,
      micro: 1_700_000_000_123_456,
      at: '2023-11-14T22:13:20.5+02:00',
      uid: 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11',
      doc: '{"n": 12345678901234567890, "list": [1, 2.50]}',
      flag: true,
      blob: 'AQID',
      big: 9_007_199_254_740_993n,
    },
    source,
    op: 'c',
  },
};
// Without a schema: the forms a reader decodes by the spec's types alone.
const WITHOUT_SCHEMA = {
  before: null,
  after: {
    id: 2,
    price: decimal(3_998n), // base64, read with the spec's scale
    ratio: '0.000001',
    born: '1815-12-10',
    day_start: '2024-02-29T00:00:00',
    seen: '2024-01-02 03:04:05.123456',
    micro: 1_548_936_781_000, // a number without a hint: epoch milliseconds
    at: '2024-01-01 23:30:00.000001-03',
    uid: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
    doc: { nested: [true, null] },
    flag: 'f',
    blob: '\\x0a0b',
    big: '-9223372036854775808',
  },
  source,
  op: 'r',
};

describe('Debezium encodings through Kafka', () => {
  it('store exactly the values they encode', async () => {
    const topic = uniqueName('things');
    const cluster = await startKafka({ topics: [{ name: topic, partitions: 1 }] });
    try {
      // JSON.stringify cannot write a bigint; the 2^53 + 1 literal is spliced in as digits.
      const withSchema = JSON.stringify(WITH_SCHEMA, (_k, v) =>
        typeof v === 'bigint' ? `@@${v}@@` : v,
      ).replace(/"@@(-?\d+)@@"/g, '$1');
      await produce(cluster.brokers, topic, [jsonMessage(1, withSchema), jsonMessage(2, WITHOUT_SCHEMA)]);
      const kafka = {
        type: 'kafka',
        brokers: cluster.brokers,
        groupId: uniqueName('enc'),
        ...FAST_GROUP,
        topics: { [topic]: 'things' },
      };
      const runtime = tempRuntime({ spec: `${SPEC}sources:\n  events: ${JSON.stringify(kafka)}\n` });
      const opened = await runtime.open().catch((err: unknown) => {
        runtime.cleanup();
        throw err;
      });
      try {
        const { engine, sources } = await openSync(opened);
        await engine.run(sources, { follow: false });
        expect((await opened.blobs.deadLetters(10)).total).toBe(0);
        const entities = await dumpEntities(opened, 'encodings');
        expect(entities.get('1')).toEqual({
          things: {
            id: 1,
            price: '-39.98',
            ratio: '1.2345',
            born: '2022-01-08',
            day_start: '1969-12-31T00:00:00.000000',
            seen: '2023-11-14T22:13:20.123000',
            micro: '2023-11-14T22:13:20.123456',
            at: '2023-11-14T20:13:20.500000Z',
            uid: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
            doc: { n: expect.any(Number), list: [1, 2.5] }, // parsed: n is rounded here, not in the store
            flag: true,
            blob: 'AQID',
            big: '9007199254740993',
          },
        });
        const product = opened.products.get('encodings');
        const one = await opened.repo.find(product, opened.repo.entityKey(product, '1'));
        expect(one?.db.readJson()).toContain('12345678901234567890');
        expect(entities.get('2')).toEqual({
          things: {
            id: 2,
            price: '39.98',
            ratio: '0.000001',
            born: '1815-12-10',
            day_start: '2024-02-29T00:00:00.000000',
            seen: '2024-01-02T03:04:05.123456',
            micro: '2019-01-31T12:13:01.000000',
            at: '2024-01-02T02:30:00.000001Z',
            uid: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
            doc: { nested: [true, null] },
            flag: false,
            blob: 'Cgs=',
            big: '-9223372036854775808',
          },
        });
      } finally {
        await opened.close();
        runtime.cleanup();
      }
    } finally {
      await cluster.stop();
    }
  });
});
