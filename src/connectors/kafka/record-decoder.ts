import type { Product } from '../../product/types.js';
import type { ChangeEvent, RejectedInput, Row, SourcePosition } from '../../sync/change-event.js';
import { type DebeziumFormat, decodeDebezium, type TableFor } from '../debezium/decode.js';
import { isRecord } from '../debezium/decode-types.js';
import { JsonSyntaxError, parseJsonExact } from '../debezium/exact-json.js';
import { unwrapMessage } from '../debezium/unwrap-message.js';

/** The parts of a Kafka record the decoder reads. */
export interface KafkaRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

/** What one record becomes: an event, a rejection for the dead-letter store, or nothing. */
export type DecodedRecord =
  | { readonly kind: 'event'; readonly event: ChangeEvent }
  | { readonly kind: 'rejected'; readonly rejected: RejectedInput }
  | { readonly kind: 'skip'; readonly why: string };

export interface RecordDecoderOptions {
  readonly format: DebeziumFormat;
  readonly tableFor: TableFor;
}

/**
 * Decodes Kafka records of Debezium JSON into change events for one source.
 *
 * - A null value (a tombstone) and every message `decodeDebezium` skips become `skip`.
 * - A value that is not JSON, or that the decoder refuses, becomes a {@link RejectedInput}
 *   holding the value as text.
 * - The key is parsed only when needed: a flattened delete (`debezium-unwrapped`, `__deleted`)
 *   whose row lacks a primary-key column takes it from the record key (Debezium's key is the
 *   primary key, bare or in `{schema, payload}`).
 */
export class RecordDecoder {
  constructor(
    private readonly product: Product,
    private readonly options: RecordDecoderOptions,
  ) {}

  decode(topic: string, record: KafkaRecord, position: SourcePosition): DecodedRecord {
    if (record.value === null) return { kind: 'skip', why: 'tombstone' };
    const raw = record.value.toString('utf8');
    let value: unknown;
    try {
      value = parseJsonExact(raw);
    } catch (err) {
      const detail = err instanceof JsonSyntaxError ? `: ${err.message}` : '';
      return rejected(position, raw, 'CELLAR_ERR_EVENT_DECODE', `not valid JSON${detail}`);
    }
    const result = decodeDebezium(value, {
      format: this.options.format,
      tableFor: this.options.tableFor,
      topic,
    });
    if (result.kind === 'skip') return result;
    if (result.kind === 'error') return rejected(position, raw, result.code, result.reason);
    let event: ChangeEvent = { ...result.event, position };
    if (this.options.format === 'debezium-unwrapped' && event.op === 'd' && event.before !== null) {
      const before = this.#withKey(event.table, event.before, record.key);
      if (before !== event.before) event = { ...event, before };
    }
    return { kind: 'event', event };
  }

  /** `row` with primary-key columns it lacks (or has as null) filled from the record key. */
  #withKey(table: string, row: Row, key: Buffer | null): Row {
    const primaryKey = this.product.tablesByName.get(table)?.primaryKey ?? [];
    const missing = primaryKey.filter((column) => row[column] === undefined || row[column] === null);
    if (missing.length === 0 || key === null) return row;
    let parsed: unknown;
    try {
      parsed = parseJsonExact(key.toString('utf8'));
    } catch {
      return row; // the applier reports the missing key
    }
    const unwrapped = unwrapMessage(parsed);
    if (unwrapped.kind !== 'value' || !isRecord(unwrapped.value)) return row;
    const keyRow = unwrapped.value;
    const filled: Record<string, unknown> = { ...row };
    for (const column of missing) if (keyRow[column] !== undefined) filled[column] = keyRow[column];
    return filled;
  }
}

function rejected(
  position: SourcePosition,
  raw: string,
  code: RejectedInput['code'],
  reason: string,
): DecodedRecord {
  return { kind: 'rejected', rejected: { position, raw, code, reason } };
}
