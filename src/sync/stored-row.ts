import { CellarError } from '../errors.js';
import { type StoredValue, toStored } from '../microdb/column-values.js';
import type { TableDef } from '../product/types.js';
import type { FieldHint, Row } from './change-event.js';

/** A row coerced to its columns' stored form; only spec columns present in the source image. */
export type StoredRow = Readonly<Record<string, StoredValue>>;

/** Coerces a source row image to stored values, ignoring columns the spec does not declare. */
export function toStoredRow(
  table: TableDef,
  image: Row,
  hints?: Readonly<Record<string, FieldHint>>,
): StoredRow {
  const row: Record<string, StoredValue> = {};
  for (const name of Object.keys(image)) {
    const column = table.columnsByName.get(name);
    if (!column) continue;
    row[name] = toStored(column, image[name], hints?.[name], table.name);
  }
  return row;
}

/** The primary-key values of a stored row, or undefined when one is missing or null. */
export function primaryKeyOf(table: TableDef, row: StoredRow): StoredValue[] | undefined {
  const pk: StoredValue[] = [];
  for (const column of table.primaryKey) {
    const value = row[column];
    if (value === undefined || value === null) return undefined;
    pk.push(value);
  }
  return pk;
}

/** Like {@link primaryKeyOf}, but a missing key is a dead-letter error naming the table. */
export function requirePrimaryKey(table: TableDef, row: StoredRow): StoredValue[] {
  const pk = primaryKeyOf(table, row);
  if (!pk) {
    throw new CellarError(
      'CELLAR_ERR_EVENT_MISSING_KEY',
      `a ${table.name} row lacks its primary key (${table.primaryKey.join(', ')})`,
    );
  }
  return pk;
}

/** The entity id form of a stored value: decimal text for integers, the string otherwise. */
export function entityIdOf(value: StoredValue): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'bigint' || typeof value === 'number') return String(value);
  if (typeof value === 'string') return value;
  return Buffer.from(value).toString('hex');
}

export function sameKey(a: readonly StoredValue[], b: readonly StoredValue[]): boolean {
  return a.length === b.length && a.every((v, i) => keyText(v) === keyText(b[i] ?? null));
}

function keyText(value: StoredValue): string {
  return value instanceof Uint8Array ? Buffer.from(value).toString('hex') : String(value);
}
