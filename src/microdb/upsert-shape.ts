import type { TableDef } from '../product/types.js';

/** Columns a table may have for its shapes to be keyed by a bit mask (one bit per column). */
const MASK_COLUMNS = 30;

/** Which columns of a table an upsert writes, and the statement-cache key of its statement. */
export interface UpsertShape {
  /** `upsert:<table>` then each column, NUL-separated: the key statement caches use for it. */
  readonly cacheKey: string;
  /** The columns written, in table order (shared: never mutate). */
  readonly columns: readonly string[];
}

const shapes = new WeakMap<TableDef, Map<number, UpsertShape>>();

/**
 * The shape of an upsert writing the columns of `table` whose bit is set in `mask` (bit i: the
 * i-th column of `table.columns`), made once per table and mask and shared after.
 *
 * Why: every upsert used to concatenate its cache key anew, and a fresh string is hashed again at
 * every statement-cache lookup and image replay; one shared string (its hash kept) and one shared
 * column list cost nothing per row. Tables wider than {@link MASK_COLUMNS} get a fresh shape each
 * call (see {@link maskable}).
 */
export function upsertShape(table: TableDef, mask: number): UpsertShape {
  let byMask = shapes.get(table);
  if (byMask === undefined) {
    byMask = new Map();
    shapes.set(table, byMask);
  }
  let shape = byMask.get(mask);
  if (shape === undefined) {
    shape = makeShape(table, (i) => (mask & (1 << i)) !== 0);
    byMask.set(mask, shape);
  }
  return shape;
}

/** True when {@link upsertShape} may key `table`'s shapes by a mask. */
export function maskable(table: TableDef): boolean {
  return table.columns.length <= MASK_COLUMNS;
}

/** A shape made without the per-table memo (wide tables): the columns `has` says are written. */
export function makeShape(table: TableDef, has: (index: number) => boolean): UpsertShape {
  const columns: string[] = [];
  let cacheKey = `upsert:${table.name}`;
  table.columns.forEach((column, i) => {
    if (!has(i)) return;
    columns.push(column.name);
    cacheKey += `\0${column.name}`;
  });
  return { cacheKey, columns };
}
