import type { CellarError } from '../../../../src/errors.js';
import { isCellarError } from '../../../../src/errors.js';
import { toStored } from '../../../../src/microdb/column-values.js';
import type { StoredValue } from '../../../../src/microdb/stored-value.js';
import type { ColumnType } from '../../../../src/product/types.js';
import type { FieldHint } from '../../../../src/sync/change-event.js';
import { column } from '../fixture-product.js';

export const MICRO = { semantic: 'io.debezium.time.MicroTimestamp' } as const;
export const NANO = { semantic: 'io.debezium.time.NanoTimestamp' } as const;
export const MILLI = { semantic: 'io.debezium.time.Timestamp' } as const;

/** `toStored` for a column `t.c` of the given type (and decimal scale). */
export function stored(type: ColumnType, value: unknown, hint?: FieldHint, scale?: number): StoredValue {
  return toStored(column('c', type, scale === undefined ? {} : { scale }), value, hint, 't');
}

/** The CELLAR_ERR_EVENT_TYPE error a conversion throws (fails the test when none is thrown). */
export function rejection(fn: () => unknown): CellarError {
  try {
    fn();
  } catch (err) {
    if (isCellarError(err, 'CELLAR_ERR_EVENT_TYPE')) return err;
    throw err;
  }
  throw new Error('expected a CELLAR_ERR_EVENT_TYPE error');
}
