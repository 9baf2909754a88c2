import type { ColumnDef, Product, TableDef } from '../product/types.js';
import { primaryKeyList, quoteIdent, tableOf } from './sql-names.js';

/** SQL function every micro-DB connection registers: blob → standard base64 text. */
export const BASE64_FUNCTION = 'cellar_base64';

/**
 * A per-column rewrite of the SQL that reads a column into JSON — the hook through which a
 * masking layer hides values inside SQLite. The compiled statement is cached per table set and
 * `id`, so two transforms with the same `id` must produce the same SQL.
 */
export interface ColumnTransform {
  /** Names the transform in statement caches (for example `mask:support`). */
  readonly id: string;
  /**
   * The SQL expression giving the column's JSON value. `jsonExpr` is the default (the stored
   * value in its JSON form, see {@link columnJsonExpr}); `columnRef` is the bare quoted column,
   * for transforms that work on the stored value. Return `undefined` to leave the column out.
   * The result goes straight into `json_object`: return `json(…)` for JSON values.
   */
  expr(table: TableDef, column: ColumnDef, jsonExpr: string, columnRef: string): string | undefined;
}

const MAX_SAFE = '9007199254740991';

/**
 * SQL giving a stored column's JSON form (docs/product-spec.md): integers outside ±(2^53−1) as
 * text, booleans as JSON true/false, bytes as base64, json columns as embedded JSON (their
 * number tokens kept digit for digit); every other type as stored.
 */
export function columnJsonExpr(column: ColumnDef, ref: string): string {
  switch (column.type) {
    case 'integer':
      return `CASE WHEN ${ref} BETWEEN -${MAX_SAFE} AND ${MAX_SAFE} THEN ${ref} ELSE CAST(${ref} AS TEXT) END`;
    case 'boolean':
      return `CASE ${ref} WHEN 1 THEN json('true') WHEN 0 THEN json('false') END`;
    case 'bytes':
      return `${BASE64_FUNCTION}(${ref})`;
    case 'json':
      return `json(${ref})`;
    default:
      return ref;
  }
}

/** Columns per `json_object` call; SQLite caps function arguments (1000 in this build). */
const COLUMNS_PER_OBJECT = 200;

/** SQL building one row's JSON object from the table's columns (in spec order). */
export function rowObjectSql(table: TableDef, transform?: ColumnTransform): string {
  const pairs: string[] = [];
  for (const column of table.columns) {
    const ref = quoteIdent(column.name);
    const json = columnJsonExpr(column, ref);
    const expr = transform === undefined ? json : transform.expr(table, column, json, ref);
    if (expr !== undefined) pairs.push(`'${column.name.replaceAll("'", "''")}', ${expr}`);
  }
  if (pairs.length <= COLUMNS_PER_OBJECT) return `json_object(${pairs.join(', ')})`;
  // Very wide tables: splice several objects' members together as text.
  const parts: string[] = [];
  for (let i = 0; i < pairs.length; i += COLUMNS_PER_OBJECT) {
    parts.push(`json_object(${pairs.slice(i, i + COLUMNS_PER_OBJECT).join(', ')})`);
  }
  const inner = parts.map((p, i) => {
    const from = i === 0 ? 1 : 2;
    const drop = i === parts.length - 1 ? 0 : 1;
    return `substr(${p}, ${from}, length(${p}) - ${from - 1 + drop})`;
  });
  return `json(${inner.join(" || ',' || ")})`;
}

/** SQL of one table's JSON inside an entity: the root's object (or null), a child's array. */
function tablePartSql(table: TableDef, transform: ColumnTransform | undefined): string {
  const name = quoteIdent(table.name);
  const order = primaryKeyList(table);
  const object = rowObjectSql(table, transform);
  if (table.root) return `coalesce((SELECT ${object} FROM ${name} ORDER BY ${order} LIMIT 1), 'null')`;
  return `(SELECT json_group_array(${object} ORDER BY ${order}) FROM ${name})`;
}

/**
 * One statement returning the JSON text of `{ "<root>": {…} | null, "<child>": [ … ], … }` for
 * the given tables, rows in primary-key order. The outer object is assembled by concatenation:
 * each part is already valid JSON text, and this avoids re-parsing it.
 *
 * Memoized per table list and transform id (see {@link ColumnTransform}): every new connection
 * prepares the statement again, and building its text cost ~3 % of a cold read.
 */
export function entityReadSql(tables: readonly TableDef[], transform?: ColumnTransform): string {
  const first = tables[0];
  if (first === undefined) return `SELECT '{}'`;
  let memo = entitySqlMemo.get(first);
  if (memo === undefined) {
    memo = new Map();
    entitySqlMemo.set(first, memo);
  }
  const key = `${transform?.id ?? ''}\0${tables.map((t) => t.name).join('\0')}`;
  const hit = memo.get(key);
  if (hit !== undefined && sameTables(hit.tables, tables)) return hit.sql;
  const parts = tables.map((t, i) => {
    const name = `${i === 0 ? '{' : ','}${JSON.stringify(t.name)}:`;
    return `'${name.replaceAll("'", "''")}' || ${tablePartSql(t, transform)}`;
  });
  const sql = `SELECT ${parts.join(' || ')} || '}'`;
  // Table sets come from callers (`?tables=`): bound what one product can make us keep.
  if (memo.size < MEMO_ENTRIES_PER_TABLE) memo.set(key, { tables: [...tables], sql });
  return sql;
}

/**
 * One statement returning a JSON array of a table's rows in key order; binds (limit, offset).
 * Memoized per table and transform id, like {@link entityReadSql}.
 */
export function tableReadSql(table: TableDef, transform?: ColumnTransform): string {
  let memo = tableSqlMemo.get(table);
  if (memo === undefined) {
    memo = new Map();
    tableSqlMemo.set(table, memo);
  }
  const key = transform?.id ?? '';
  let sql = memo.get(key);
  if (sql === undefined) {
    const order = primaryKeyList(table);
    sql = `SELECT json_group_array(${rowObjectSql(table, transform)} ORDER BY ${order})
    FROM (SELECT * FROM ${quoteIdent(table.name)} ORDER BY ${order} LIMIT ? OFFSET ?)`;
    if (memo.size < MEMO_ENTRIES_PER_TABLE) memo.set(key, sql);
  }
  return sql;
}

/** Memoized statements kept per table at most (table sets × transforms). */
const MEMO_ENTRIES_PER_TABLE = 256;

/** Keyed by the first table of the list: a product's TableDefs live as long as the product. */
const entitySqlMemo = new WeakMap<TableDef, Map<string, { tables: readonly TableDef[]; sql: string }>>();
const tableSqlMemo = new WeakMap<TableDef, Map<string, string>>();

function sameTables(a: readonly TableDef[], b: readonly TableDef[]): boolean {
  return a.length === b.length && a.every((t, i) => t === b[i]);
}

/**
 * The tables a read covers: all of the product's when `names` is undefined, else the named ones
 * in the product's order (root first), each once. Unknown names are `CELLAR_ERR_TABLE_NOT_FOUND`.
 */
export function resolveReadTables(
  product: Product,
  names: readonly string[] | undefined,
): readonly TableDef[] {
  if (names === undefined) return product.tables;
  const wanted = new Set(names.map((n) => tableOf(product, n).name));
  return product.tables.filter((t) => wanted.has(t.name));
}
