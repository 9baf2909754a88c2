import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { tableLookup } from '../../../../src/connectors/debezium/table-lookup.js';
import { batchChunks } from '../../../../src/connectors/kafka/batch-chunks.js';
import { RecordDecoder } from '../../../../src/connectors/kafka/record-decoder.js';
import { testProduct } from '../test-product.js';

const decoder = new RecordDecoder(testProduct(), {
  format: 'debezium',
  tableFor: tableLookup(new Map([['t', 'customers']])),
});
const message = (offset: number, value: string | null): KafkaMessage =>
  ({
    offset: String(offset),
    key: null,
    value: value === null ? null : Buffer.from(value),
    timestamp: '0',
    attributes: 0,
    headers: {},
  }) as KafkaMessage;
const create = (id: number) => JSON.stringify({ op: 'c', after: { id } });
const options = { topic: 't', stream: 's', known: undefined, decoder, batchSize: 2 };

describe('batchChunks', () => {
  it('splits at batchSize items, counting rejected records, and keeps the records behind the items', () => {
    const chunks = [
      ...batchChunks(
        [message(0, create(1)), message(1, 'oops'), message(2, create(2)), message(3, null)],
        options,
      ),
    ];
    expect(chunks.map((c) => [c.events.length, c.rejected.length, c.lastItem, c.lastRead])).toEqual([
      [1, 1, 1n, 1n],
      [1, 0, 2n, 3n],
    ]);
    expect([...(chunks[0]?.records.keys() ?? [])]).toEqual(['s\u00000', 's\u00001']);
  });

  it('passes over what the engine has and ends with a chunk of skipped records', () => {
    const chunks = [
      ...batchChunks([message(5, create(1)), message(6, create(2)), message(7, null)], {
        ...options,
        known: 6n,
      }),
    ];
    expect(chunks).toEqual([
      { events: [], rejected: [], records: new Map(), lastItem: undefined, lastRead: 7n },
    ]);
  });

  it('decodes lazily: a consumer that stops after the first chunk decodes no more', () => {
    let decoded = 0;
    const counting = {
      decode: (...args: Parameters<RecordDecoder['decode']>) => {
        decoded++;
        return decoder.decode(...args);
      },
    };
    const messages = [0, 1, 2, 3, 4, 5].map((i) => message(i, create(i)));
    const first = batchChunks(messages, { ...options, decoder: counting as RecordDecoder }).next();
    expect(first.value?.lastItem).toBe(1n);
    expect(decoded).toBe(2);
  });
});
