import type { StoredValue } from '../microdb/column-values.js';
import type { Product, TableDef } from '../product/types.js';
import type { EntityHandle } from '../runtime/entity-handle.js';
import type { RouteTable } from './route-table.js';
import type { StoredRow } from './stored-row.js';

/** Computes a routing-index row hash. */
export type RowKeyFn = (table: string, pk: readonly StoredValue[]) => string;

/**
 * Moves one row, and every row that reaches its entity through it (recursively), from one entity
 * to another. Returns the stored row that was moved (undefined when the source did not have it).
 */
export function moveRowTree(
  product: Product,
  table: TableDef,
  pk: readonly StoredValue[],
  from: EntityHandle,
  to: EntityHandle,
  routes: RouteTable,
  rowKey: RowKeyFn,
): StoredRow | undefined {
  const row = from.db.getRow(table.name, pk);
  if (!row) return undefined;
  from.db.delete(table.name, pk);
  moveDescendants(product, table, pk, from, to, routes, rowKey);
  return row;
}

function moveDescendants(
  product: Product,
  table: TableDef,
  pk: readonly StoredValue[],
  from: EntityHandle,
  to: EntityHandle,
  routes: RouteTable,
  rowKey: RowKeyFn,
): void {
  const [parentKey] = pk;
  if (parentKey === undefined || table.primaryKey.length !== 1) return;
  for (const childName of table.children) {
    const child = product.tablesByName.get(childName);
    if (!child || child.route.kind !== 'parent') continue;
    for (const row of from.db.rowsByColumn(child.name, child.route.key, parentKey)) {
      const childPk = child.primaryKey.map((c) => row[c] ?? null);
      from.db.delete(child.name, childPk);
      to.db.upsert(child.name, row);
      routes.set(rowKey(child.name, childPk), to.key);
      moveDescendants(product, child, childPk, from, to, routes, rowKey);
    }
  }
}

/** Every row of an entity as (table, pk) pairs, for removing their routes. */
export function allRowKeys(handle: EntityHandle): { table: TableDef; pk: StoredValue[] }[] {
  const out: { table: TableDef; pk: StoredValue[] }[] = [];
  for (const table of handle.product.tables) {
    for (const row of handle.db.allRows(table.name)) {
      out.push({ table, pk: table.primaryKey.map((c) => row[c] ?? null) });
    }
  }
  return out;
}
