import type { ColumnDef, ColumnType, EntityRoute } from './types.js';

/**
 * SQLite storage class of each column type in a micro-DB. Exact numbers that SQLite cannot hold
 * (decimals) and everything with a text form are TEXT; booleans are 0/1.
 */
export const STORAGE_CLASS: Readonly<Record<ColumnType, 'INTEGER' | 'REAL' | 'TEXT' | 'BLOB'>> = {
  integer: 'INTEGER',
  decimal: 'TEXT',
  real: 'REAL',
  text: 'TEXT',
  boolean: 'INTEGER',
  date: 'TEXT',
  timestamp: 'TEXT',
  timestamptz: 'TEXT',
  uuid: 'TEXT',
  json: 'TEXT',
  bytes: 'BLOB',
};

/** A double-quoted SQLite identifier. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * The column a child table is looked up by when its entity or parent row moves (the entity id
 * column or `parent.key`), or undefined for the root. No index is needed when that column leads
 * the primary key already.
 */
function routeIndexColumn(route: EntityRoute, primaryKey: readonly string[]): string | undefined {
  if (route.kind === 'root') return undefined;
  const column = route.kind === 'column' ? route.column : route.key;
  return primaryKey[0] === column ? undefined : column;
}

/**
 * The micro-DB DDL of one table: `CREATE TABLE … WITHOUT ROWID`, then for child tables
 * `;\nCREATE INDEX` on the routing column. Index names contain a dot (`"orders.customer_id"`),
 * which no table name may, so they can never clash with a table.
 */
export function tableDdl(
  table: string,
  columns: readonly ColumnDef[],
  primaryKey: readonly string[],
  route: EntityRoute,
): string {
  const columnList = columns.map((c) => `${quoteIdentifier(c.name)} ${STORAGE_CLASS[c.type]}`);
  const key = primaryKey.map(quoteIdentifier).join(', ');
  const create = `CREATE TABLE ${quoteIdentifier(table)} (${columnList.join(', ')}, PRIMARY KEY (${key})) WITHOUT ROWID`;
  const indexed = routeIndexColumn(route, primaryKey);
  if (indexed === undefined) return create;
  const index = `CREATE INDEX ${quoteIdentifier(`${table}.${indexed}`)} ON ${quoteIdentifier(table)} (${quoteIdentifier(indexed)})`;
  return `${create};\n${index}`;
}
