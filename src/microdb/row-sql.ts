import type { TableDef } from '../product/types.js';
import { primaryKeyList, primaryKeyWhere, quoteIdent } from './sql-names.js';

/**
 * `INSERT … ON CONFLICT DO UPDATE` writing exactly `columns` (which include the primary key):
 * on update only the given non-key columns change, so a column absent from the row keeps its
 * stored value. Binds the values in `columns` order, for each of `rows` rows in turn (SQLite
 * applies the rows one after another: a later row updates one an earlier row inserted).
 */
export function upsertSql(table: TableDef, columns: readonly string[], rows = 1): string {
  const names = columns.map(quoteIdent).join(', ');
  const params = Array(rows)
    .fill(columns.map(() => '?').join(', '))
    .join('), (');
  const keys = new Set(table.primaryKey);
  const updates = columns
    .filter((c) => !keys.has(c))
    .map((c) => `${quoteIdent(c)} = excluded.${quoteIdent(c)}`);
  const conflict =
    updates.length === 0
      ? `ON CONFLICT (${primaryKeyList(table)}) DO NOTHING`
      : `ON CONFLICT (${primaryKeyList(table)}) DO UPDATE SET ${updates.join(', ')}`;
  return `INSERT INTO ${quoteIdent(table.name)} (${names}) VALUES (${params}) ${conflict}`;
}

function columnList(table: TableDef): string {
  return table.columns.map((c) => quoteIdent(c.name)).join(', ');
}

/** Deletes one row; binds the primary key. */
export function deleteRowSql(table: TableDef): string {
  return `DELETE FROM ${quoteIdent(table.name)} WHERE ${primaryKeyWhere(table)}`;
}

/** Reads one row's columns; binds the primary key. */
export function selectRowSql(table: TableDef): string {
  return `SELECT ${columnList(table)} FROM ${quoteIdent(table.name)} WHERE ${primaryKeyWhere(table)}`;
}

/** Reads every row whose `column` equals the bound value, in key order. */
export function selectByColumnSql(table: TableDef, column: string): string {
  return `SELECT ${columnList(table)} FROM ${quoteIdent(table.name)} WHERE ${quoteIdent(column)} = ? ORDER BY ${primaryKeyList(table)}`;
}

/** Reads every row, in key order. */
export function selectAllSql(table: TableDef): string {
  return `SELECT ${columnList(table)} FROM ${quoteIdent(table.name)} ORDER BY ${primaryKeyList(table)}`;
}

/** Deletes every row. */
export function truncateSql(table: TableDef): string {
  return `DELETE FROM ${quoteIdent(table.name)}`;
}
