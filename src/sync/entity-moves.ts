import type { StoredValue } from '../microdb/column-values.js';
import type { Product, TableDef } from '../product/types.js';
import type { EntityHandle } from '../runtime/entity-handle.js';
import type { RouteTable } from './route-table.js';
import type { StoredRow } from './stored-row.js';

/** Computes a routing-index row hash. */
export type RowKeyFn = (table: string, pk: readonly StoredValue[]) => string;

/** Called for every descendant row moved into the new entity (tokenization carries its tokens). */
export type MovedRowHook = (table: TableDef, row: StoredRow) => void;

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
  onMoved?: MovedRowHook,
): StoredRow | undefined {
  const row = from.db.getRow(table.name, pk);
  if (!row) return undefined;
  from.db.delete(table.name, pk);
  moveDescendants(product, table, pk, from, to, routes, rowKey, onMoved);
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
  onMoved: MovedRowHook | undefined,
): void {
  const [parentKey] = pk;
  if (parentKey === undefined || table.primaryKey.length !== 1) return;
  for (const childName of table.children) {
    const child = product.tablesByName.get(childName);
    if (child?.route.kind !== 'parent') continue;
    for (const row of from.db.rowsByColumn(child.name, child.route.key, parentKey)) {
      const childPk = child.primaryKey.map((c) => row[c] ?? null);
      from.db.delete(child.name, childPk);
      to.db.upsert(child.name, row);
      onMoved?.(child, row);
      routes.set(rowKey(child.name, childPk), to.key);
      moveDescendants(product, child, childPk, from, to, routes, rowKey, onMoved);
    }
  }
}

/**
 * Moves every remaining row of `from` into `to` — what a root primary-key change means: the
 * entity is renamed, and all it holds follows it. The caller then removes `from`.
 */
export function moveAllRows(
  from: EntityHandle,
  to: EntityHandle,
  routes: RouteTable,
  rowKey: RowKeyFn,
  onMoved?: MovedRowHook,
): void {
  for (const table of from.product.tables) {
    for (const row of from.db.allRows(table.name)) {
      const pk = table.primaryKey.map((c) => row[c] ?? null);
      from.db.delete(table.name, pk);
      to.db.upsert(table.name, row);
      routes.set(rowKey(table.name, pk), to.key);
      onMoved?.(table, row);
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
