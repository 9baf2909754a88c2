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
  transactionId,
} from './decode-types.js';
import { hintsFromRowSchema } from './schema-hints.js';
import { productTableFor } from './table-lookup.js';
import { dropUnavailable } from './toast.js';

/** Ops `__op` may carry. Truncates never reach a flattened topic as rows. */
const UNWRAPPED_OPS: ReadonlySet<string> = new Set<Op>(['r', 'c', 'u', 'd']);

/**
 * Decodes a row flattened by Debezium's ExtractNewRecordState transformation: the value IS the
 * row, plus optional `__`-prefixed metadata fields (`add.fields`, `delete.handling.mode=rewrite`).
 *
 * - `__deleted: "true"` (or `__op: "d"`) → a delete whose `before` is the row;
 * - otherwise `__op` gives the op, and without it the row is a create (`c`): the applier
 *   upserts by primary key, so a create of an existing row updates it;
 * - the table comes from `__schema`/`__table` (or `__source_schema`/`__source_table`), else from
 *   the topic; the time from `__source_ts_ms`/`__ts_ms`; the transaction from `__txId`/
 *   `__source_txId`;
 * - every `__` field is stripped from the row; unchanged-TOAST placeholders are dropped.
 *
 * `schema` is the struct schema of the row when it came in `{schema, payload}`; it gives hints.
 */
export function decodeUnwrapped(value: unknown, schema: unknown, opts: DecodeOptions): DecodeResult {
  if (!isRecord(value)) return decodeError(`expected a JSON object (a row), got ${jsonTypeOf(value)}`);
  const row: Record<string, unknown> = {};
  const meta: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (key.startsWith('__')) meta[key] = field;
    else row[key] = field;
  }
  if (Object.keys(row).length === 0) {
    return decodeError('the flattened row has no columns besides __ metadata fields');
  }

  const rawOp = meta.__op;
  if (rawOp !== undefined && rawOp !== null && (typeof rawOp !== 'string' || !UNWRAPPED_OPS.has(rawOp))) {
    return decodeError(
      typeof rawOp === 'string'
        ? `unknown __op ${JSON.stringify(rawOp.slice(0, 16))}; expected one of r, c, u, d`
        : `field __op must be a string, got ${jsonTypeOf(rawOp)}`,
    );
  }
  const deleted = meta.__deleted === 'true' || meta.__deleted === true || rawOp === 'd';
  const op: Op = deleted ? 'd' : ((rawOp as Op | undefined | null) ?? 'c');

  const sourceTable: SourceTable = {
    ...nonEmptyField('schema', meta.__schema ?? meta.__source_schema),
    ...nonEmptyField('table', meta.__table ?? meta.__source_table),
    ...nonEmptyField('topic', opts.topic),
  };
  const mapped = productTableFor(
    sourceTable,
    opts.tableFor,
    'the flattened row names no table (no __table field) and no topic was given',
  );
  if ('error' in mapped) return mapped.error;
  const { table } = mapped;

  const image: Row = dropUnavailable(row);
  const hints = hintsFromRowSchema(schema);
  const txId = transactionId(meta.__txId ?? meta.__source_txId);
  return {
    kind: 'event',
    event: {
      op,
      table,
      before: op === 'd' ? image : null,
      after: op === 'd' ? null : image,
      ts: epochMs(meta.__source_ts_ms) ?? epochMs(meta.__ts_ms) ?? 0,
      ...(hints === undefined ? {} : { hints }),
      ...(txId === undefined ? {} : { txId }),
    },
  };
}
