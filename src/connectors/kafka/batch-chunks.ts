import type { KafkaMessage } from 'kafkajs';
import type { ChangeEvent, RejectedInput } from '../../sync/change-event.js';
import type { RecordDecoder } from './record-decoder.js';

/** Part of a fetched batch, ready to hand to the engine. */
export interface BatchChunk {
  readonly events: readonly ChangeEvent[];
  readonly rejected: readonly RejectedInput[];
  /** The records behind the items, by `stream \0 offset` (for dead letters). */
  readonly records: ReadonlyMap<string, KafkaMessage>;
  /** Offset of the last record that became an item; undefined when all were skipped. */
  readonly lastItem: bigint | undefined;
  /** Offset of the last record read. */
  readonly lastRead: bigint;
}

export interface ChunkOptions {
  readonly topic: string;
  readonly stream: string;
  /** Records at or below this offset are already in the engine: passed over. */
  readonly known: bigint | undefined;
  readonly decoder: RecordDecoder;
  /** Most items (events plus rejected) per chunk. */
  readonly batchSize: number;
}

/**
 * Splits the records of one fetched partition batch into chunks of at most `batchSize` items,
 * decoding each record as the chunk is asked for (so a stop between chunks decodes no more).
 * Skipped records (tombstones, markers, records the engine has) make no item but move
 * `lastRead`; a trailing run of them comes as a last chunk without items.
 */
export function* batchChunks(
  messages: readonly KafkaMessage[],
  options: ChunkOptions,
): Generator<BatchChunk> {
  const { topic, stream, known, decoder, batchSize } = options;
  let events: ChangeEvent[] = [];
  let rejected: RejectedInput[] = [];
  let records = new Map<string, KafkaMessage>();
  let lastItem: bigint | undefined;
  let lastRead: bigint | undefined;
  for (const message of messages) {
    const offset = BigInt(message.offset);
    lastRead = offset;
    if (known !== undefined && offset <= known) continue;
    const decoded = decoder.decode(topic, message, { stream, token: message.offset, order: offset });
    if (decoded.kind === 'skip') continue;
    if (decoded.kind === 'event') events.push(decoded.event);
    else rejected.push(decoded.rejected);
    records.set(`${stream}\0${message.offset}`, message);
    lastItem = offset;
    if (events.length + rejected.length >= batchSize) {
      yield { events, rejected, records, lastItem, lastRead };
      events = [];
      rejected = [];
      records = new Map();
      lastItem = undefined;
      lastRead = undefined;
    }
  }
  if (lastRead !== undefined) yield { events, rejected, records, lastItem, lastRead };
}
