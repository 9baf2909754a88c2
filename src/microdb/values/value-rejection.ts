import { CellarError } from '../../errors.js';
import type { ColumnDef } from '../../product/types.js';

/**
 * Thrown by the per-type converters when a value does not fit; {@link toStored} turns it into a
 * `CELLAR_ERR_EVENT_TYPE` error naming the table, column and type. Internal to src/microdb/values.
 */
export class ValueRejection extends Error {
  /** What the column accepts, as a phrase: `a decimal number with at most 2 digits after the point`. */
  readonly expected: string;

  constructor(expected: string) {
    super(expected);
    this.name = 'ValueRejection';
    this.expected = expected;
  }
}

/** Rejects the value being converted; `expected` says what would have been accepted. */
export function reject(expected: string): never {
  throw new ValueRejection(expected);
}

const MAX_ECHO_CHARS = 40;

/**
 * Describes a value for an error message. Values of pii columns are never echoed, only their
 * shape (`a string of 11 characters`); other scalars are echoed, long strings truncated.
 * Arrays, objects and bytes are always described by shape: they may hold anything.
 */
export function describeValue(value: unknown, pii: boolean): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') {
    if (pii) return `a string of ${value.length} characters`;
    const shown = value.length > MAX_ECHO_CHARS ? `${value.slice(0, MAX_ECHO_CHARS)}…` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'number') return pii ? 'a number' : `the number ${String(value)}`;
  if (typeof value === 'bigint') return pii ? 'a big integer' : `the big integer ${String(value)}`;
  if (typeof value === 'boolean') return pii ? 'a boolean' : `the boolean ${String(value)}`;
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (Array.isArray(value)) return `an array of ${value.length} items`;
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/** The `CELLAR_ERR_EVENT_TYPE` error for a value `column` cannot hold. */
export function valueTypeError(
  table: string | undefined,
  column: ColumnDef,
  expected: string,
  value: unknown,
): CellarError {
  const where = table === undefined ? column.name : `${table}.${column.name}`;
  return new CellarError(
    'CELLAR_ERR_EVENT_TYPE',
    `column ${where} (${column.type}): expected ${expected}, got ${describeValue(value, column.pii)}`,
    { hint: 'fix the value at the source, or change the column type in the product spec' },
  );
}
