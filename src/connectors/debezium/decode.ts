import type { Op, Row } from '../../sync/change-event.js';
import {
  type DecodeOptions,
  type DecodeResult,
  decodeError,
  epochMs,
  isRecord,
  jsonTypeOf,
  nonEmptyField,
  type SourceTable,
  skip,
  transactionId,
} from './decode-types.js';
import { hintsFromEnvelopeSchema } from './schema-hints.js';
import { productTableFor } from './table-lookup.js';
import { dropUnavailable } from './toast.js';
import { unwrapMessage } from './unwrap-message.js';
import { decodeUnwrapped } from './unwrapped.js';

export type { DebeziumFormat, DecodeOptions, DecodeResult, SourceTable, TableFor } from './decode-types.js';

const ROW_OPS: ReadonlySet<string> = new Set<Op>(['r', 'c', 'u', 'd', 't']);

/**
 * Decodes one Debezium message (already parsed from JSON) into a change event without its
 * position — the caller (file or Kafka source) knows where the message sat and adds it.
 *
 * Pure and synchronous; never throws for bad input: malformed messages come back as `error`
 * results (CELLAR_ERR_EVENT_DECODE, or CELLAR_ERR_EVENT_UNKNOWN_TABLE when the product does not
 * map the source table), messages without a row change as `skip`. The rules are in
 * docs/sources.md ("Debezium decoding").
 */
export function decodeDebezium(value: unknown, opts: DecodeOptions): DecodeResult {
  const message = unwrapMessage(value);
  if (message.kind === 'tombstone') return skip('tombstone');
  if (opts.format === 'debezium-unwrapped') return decodeUnwrapped(message.value, message.schema, opts);
  return decodeEnvelope(message.value, message.schema, opts);
}

function decodeEnvelope(payload: unknown, schema: unknown, opts: DecodeOptions): DecodeResult {
  if (!isRecord(payload)) return decodeError(`expected a JSON object, got ${jsonTypeOf(payload)}`);
  // Records of the `<prefix>.transaction` topic: BEGIN/END markers, no row.
  if (payload.op === undefined && (payload.status === 'BEGIN' || payload.status === 'END')) {
    return skip('transaction metadata');
  }
  const op = payload.op;
  if (op === undefined || op === null) return decodeError('the event has no op field');
  if (typeof op !== 'string') return decodeError(`field op must be a string, got ${jsonTypeOf(op)}`);
  if (op === 'm') return skip('logical decoding message');
  if (!ROW_OPS.has(op)) {
    return decodeError(`unknown op ${JSON.stringify(op.slice(0, 16))}; expected one of r, c, u, d, t, m`);
  }
  const source = payload.source ?? null;
  if (source !== null && !isRecord(source)) {
    return decodeError(`field source must be an object, got ${jsonTypeOf(source)}`);
  }

  const rows = op === 't' ? { before: null, after: null } : rowImages(op as Exclude<Op, 't'>, payload);
  if ('reason' in rows) return decodeError(rows.reason);

  const sourceTable: SourceTable = {
    ...nonEmptyField('schema', source?.schema),
    ...nonEmptyField('table', source?.table),
    ...nonEmptyField('topic', opts.topic),
  };
  const mapped = productTableFor(
    sourceTable,
    opts.tableFor,
    'the event names no source table (source.table is absent) and no topic was given',
  );
  if ('error' in mapped) return mapped.error;
  const { table } = mapped;

  const hints = op === 't' ? undefined : hintsFromEnvelopeSchema(schema);
  const txId = transactionId(source?.txId);
  return {
    kind: 'event',
    event: {
      op: op as Op,
      table,
      before: rows.before,
      after: rows.after,
      ts: epochMs(source?.ts_ms) ?? epochMs(payload.ts_ms) ?? 0,
      ...(hints === undefined ? {} : { hints }),
      ...(txId === undefined ? {} : { txId }),
    },
  };
}

type RowImages = { readonly before: Row | null; readonly after: Row | null } | { readonly reason: string };

/** The `before`/`after` images of a row op, checked against what the op requires. */
function rowImages(op: Exclude<Op, 't'>, payload: Record<string, unknown>): RowImages {
  const before = payload.before ?? null;
  const after = payload.after ?? null;
  if (before !== null && !isRecord(before)) {
    return { reason: `field before must be an object or null, got ${jsonTypeOf(before)}` };
  }
  if (after !== null && !isRecord(after)) {
    return { reason: `field after must be an object or null, got ${jsonTypeOf(after)}` };
  }
  if (op === 'd') {
    if (before === null) {
      return {
        reason:
          'op "d" needs a before image holding the primary key, but before is null ' +
          '(the source table may have REPLICA IDENTITY NOTHING)',
      };
    }
    return { before: dropUnavailable(before), after: null };
  }
  if (after === null) return { reason: `op "${op}" needs an after image, but after is absent or null` };
  return { before: before === null ? null : dropUnavailable(before), after: dropUnavailable(after) };
}
