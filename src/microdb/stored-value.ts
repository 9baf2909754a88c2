/**
 * The values a micro-DB column holds, in the form better-sqlite3 binds and (with safe integers on)
 * returns them.
 */

/**
 * One stored column value. `integer` and `boolean` columns hold `bigint` (booleans as `0n`/`1n`),
 * `real` holds `number`, `bytes` holds `Uint8Array` (a `Buffer` when read back), every other type
 * holds its canonical text. `null` is SQL NULL.
 */
export type StoredValue = bigint | number | string | Uint8Array | null;

/** One row as stored: column name → value. Only the product's columns appear. */
export type StoredRow = Readonly<Record<string, StoredValue>>;

/** A JSON value as a reader receives it (docs/product-spec.md gives each column type's form). */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };
