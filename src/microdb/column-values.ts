import type { ColumnDef, ColumnType, TableDef } from '../product/types.js';
import type { FieldHint, Row } from '../sync/change-event.js';
import type { JsonValue, StoredRow, StoredValue } from './stored-value.js';
import { bytesToBase64, toStoredBytes } from './values/bytes.js';
import { toStoredDecimal } from './values/decimal.js';
import { toStoredInteger } from './values/integer.js';
import { toStoredJson } from './values/json.js';
import { toStoredBoolean, toStoredReal, toStoredText, toStoredUuid } from './values/scalars.js';
import { toStoredDate, toStoredTimestamp, toStoredTimestamptz } from './values/temporal.js';
import { ValueRejection, valueTypeError } from './values/value-rejection.js';

export type { JsonValue, StoredRow, StoredValue } from './stored-value.js';

type Converter = (column: ColumnDef, value: unknown, hint: FieldHint | undefined) => StoredValue;

const CONVERTERS: Readonly<Record<ColumnType, Converter>> = {
  integer: (_c, v) => toStoredInteger(v),
  decimal: (c, v, h) => toStoredDecimal(c, v, h),
  real: (_c, v) => toStoredReal(v),
  text: (_c, v) => toStoredText(v),
  boolean: (_c, v) => toStoredBoolean(v),
  date: (_c, v, h) => toStoredDate(v, h),
  timestamp: (_c, v, h) => toStoredTimestamp(v, h),
  timestamptz: (_c, v, h) => toStoredTimestamptz(v, h),
  uuid: (_c, v) => toStoredUuid(v),
  json: (_c, v, h) => toStoredJson(v, h),
  bytes: (_c, v, h) => toStoredBytes(v, h),
};

/**
 * Coerces one source value to what `column` stores (see {@link StoredValue} and
 * docs/product-spec.md for each type's accepted inputs). `null` and `undefined` become `null`;
 * whether the column may be null (key columns) is the caller's check.
 *
 * @param table the table's name, for the error message (`column orders.total (decimal): …`).
 * @throws CellarError `CELLAR_ERR_EVENT_TYPE` naming table, column and type when the value does
 *   not fit. Values of pii columns are described, never echoed.
 */
export function toStored(column: ColumnDef, value: unknown, hint?: FieldHint, table?: string): StoredValue {
  if (value === null || value === undefined) return null;
  try {
    return CONVERTERS[column.type](column, value, hint);
  } catch (err) {
    if (err instanceof ValueRejection) throw valueTypeError(table, column, err.expected, value);
    throw err;
  }
}

/**
 * Coerces the columns of a source row image that `table` declares. Columns the row lacks are left
 * out (an absent column means "unchanged"), and so are source columns the product does not map.
 */
export function rowToStored(
  table: TableDef,
  row: Row,
  hints?: Readonly<Record<string, FieldHint>>,
): Record<string, StoredValue> {
  const out: Record<string, StoredValue> = {};
  for (const column of table.columns) {
    if (!Object.hasOwn(row, column.name)) continue;
    out[column.name] = toStored(column, row[column.name], hints?.[column.name], table.name);
  }
  return out;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * The JSON form of a stored value, as readers get it: integer → number, or a string of digits
 * outside ±(2^53−1); decimal → string; boolean → true/false; bytes → base64; json → the parsed
 * value (caveat: `JSON.parse` rounds big numbers inside it; `MicroDb.readJson` keeps them);
 * real → number; every other type → the stored string.
 */
export function toJsonValue(column: ColumnDef, stored: StoredValue): JsonValue {
  if (stored === null) return null;
  switch (column.type) {
    case 'integer':
      if (typeof stored === 'bigint')
        return stored >= -MAX_SAFE && stored <= MAX_SAFE ? Number(stored) : stored.toString();
      break;
    case 'boolean':
      return stored === 1n || stored === 1;
    case 'real':
      if (typeof stored === 'bigint') return Number(stored);
      break;
    case 'bytes':
      if (stored instanceof Uint8Array) return bytesToBase64(stored);
      break;
    case 'json':
      if (typeof stored === 'string') return JSON.parse(stored) as JsonValue;
      break;
    default:
      break;
  }
  // SQLite is dynamically typed: a value of an unexpected class is shown as what it is.
  if (typeof stored === 'bigint') return stored.toString();
  if (stored instanceof Uint8Array) return bytesToBase64(stored);
  return stored;
}

/** The JSON form of a whole stored row (see {@link toJsonValue}). */
export function rowToJson(table: TableDef, row: StoredRow): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const column of table.columns) out[column.name] = toJsonValue(column, row[column.name] ?? null);
  return out;
}
