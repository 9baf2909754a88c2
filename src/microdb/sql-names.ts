import { CellarError } from '../errors.js';
import type { ColumnDef, Product, TableDef } from '../product/types.js';

/** A SQL identifier in double quotes, inner quotes doubled. Names come from a validated spec; quoting is belt and braces. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The product's table, or `CELLAR_ERR_TABLE_NOT_FOUND`. */
export function tableOf(product: Product, name: string): TableDef {
  const table = product.tablesByName.get(name);
  if (table === undefined) {
    throw new CellarError('CELLAR_ERR_TABLE_NOT_FOUND', `product ${product.name} has no table "${name}"`, {
      hint: `its tables are ${product.tables.map((t) => t.name).join(', ')}`,
    });
  }
  return table;
}

/**
 * The product's table, checking that `pk` has as many values as its primary key
 * (`CELLAR_ERR_EVENT_MISSING_KEY` otherwise).
 */
export function keyedTableOf(product: Product, name: string, pk: readonly unknown[]): TableDef {
  const table = tableOf(product, name);
  if (pk.length !== table.primaryKey.length) {
    throw new CellarError(
      'CELLAR_ERR_EVENT_MISSING_KEY',
      `table ${name} has a ${table.primaryKey.length}-column primary key (${table.primaryKey.join(', ')}); got ${pk.length} values`,
    );
  }
  return table;
}

/** The table's column, or `CELLAR_ERR_COLUMN_NOT_FOUND`. */
export function columnOf(table: TableDef, name: string): ColumnDef {
  const column = table.columnsByName.get(name);
  if (column === undefined) {
    throw new CellarError('CELLAR_ERR_COLUMN_NOT_FOUND', `table ${table.name} has no column "${name}"`, {
      hint: `its columns are ${table.columns.map((c) => c.name).join(', ')}`,
    });
  }
  return column;
}

/** `"a" = ? AND "b" = ?` over the table's primary key, in key order. */
export function primaryKeyWhere(table: TableDef): string {
  return table.primaryKey.map((c) => `${quoteIdent(c)} = ?`).join(' AND ');
}

/** `"a", "b"`: the primary key, for ORDER BY. */
export function primaryKeyList(table: TableDef): string {
  return table.primaryKey.map(quoteIdent).join(', ');
}
