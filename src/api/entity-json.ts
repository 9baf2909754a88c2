/**
 * Building entity responses. The data part is JSON text made inside SQLite (masked there for the
 * caller's role, see MicroDb.readJson); the envelope is spliced around it as text, so an entity
 * is never parsed and re-serialized on its way out.
 */
import { CellarError } from '../errors.js';
import { maskedColumns } from '../governance/masking/effective-mask.js';
import type { ColumnTransform } from '../microdb/entity-reader.js';
import type { MaskPlan, Product } from '../product/types.js';
import type { EntityHandle } from '../runtime/entity-handle.js';
import { oneByte, productName } from './one-byte.js';

/**
 * The tables named by `?tables=a,b` in product order, each once; undefined (every table) when
 * the parameter is absent. Unknown names are CELLAR_ERR_TABLE_NOT_FOUND.
 */
export function requestedTables(product: Product, param: string | undefined): readonly string[] | undefined {
  if (param === undefined) return undefined;
  const names = new Set(
    param
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t.length > 0),
  );
  if (names.size === 0) {
    throw new CellarError('CELLAR_ERR_REQUEST_INVALID', 'invalid request: tables names no table', {
      hint: 'pass ?tables=a,b or leave it out',
    });
  }
  for (const name of names) requireTable(product, name);
  return product.tables.filter((t) => names.has(t.name)).map((t) => t.name);
}

/** Throws CELLAR_ERR_TABLE_NOT_FOUND unless `product` has the table. */
export function requireTable(product: Product, table: string): void {
  if (!product.tablesByName.has(table)) {
    throw new CellarError(
      'CELLAR_ERR_TABLE_NOT_FOUND',
      `${product.name} has no table ${JSON.stringify(table)}`,
    );
  }
}

function syncedAtJson(handle: EntityHandle): string {
  const ms = handle.db.syncedAt();
  return ms === undefined ? 'null' : JSON.stringify(new Date(ms).toISOString());
}

/** `{product, id, version, syncedAt, data}` as JSON text. Synchronous: run it on a live handle. */
export function entityBody(
  product: Product,
  handle: EntityHandle,
  tables: readonly string[] | undefined,
  transform: ColumnTransform | undefined,
): string {
  const data = handle.db.readJson(tables, transform);
  return `{"product":${JSON.stringify(productName(product))},"id":${JSON.stringify(handle.entityId)},"version":${handle.version},"syncedAt":${syncedAtJson(handle)},"data":${data}}`;
}

/** `{product, id, table, limit, offset, rows}` as JSON text. Synchronous, like {@link entityBody}. */
export function tableBody(
  product: Product,
  handle: EntityHandle,
  table: string,
  page: { readonly limit: number; readonly offset: number },
  transform: ColumnTransform | undefined,
): string {
  const rows = handle.db.readTableJson(table, page.limit, page.offset, transform);
  return `{"product":${JSON.stringify(productName(product))},"id":${JSON.stringify(handle.entityId)},"table":${JSON.stringify(oneByte(table))},"limit":${page.limit},"offset":${page.offset},"rows":${rows}}`;
}

const tableLists = new WeakMap<Product, readonly string[]>();

/**
 * The tables a read returns, as the audit records them: `tables`, or every table of the product
 * in product order when undefined — that list frozen and made once per product.
 */
export function returnedTables(product: Product, tables: readonly string[] | undefined): readonly string[] {
  if (tables !== undefined) return tables;
  let all = tableLists.get(product);
  if (all === undefined) {
    all = Object.freeze(product.tables.map((t) => oneByte(t.name)));
    tableLists.set(product, all);
  }
  return all;
}

/** Suffix marking a column the caller received masked, in audit records. */
export const MASKED_SUFFIX = ':masked';

const columnLists = new WeakMap<object, Map<string, readonly string[]>>();

/**
 * The columns a read of `tables` returns, as the audit records them: `table.column`, with
 * {@link MASKED_SUFFIX} on those the plan masks. Cached per plan (or product, for clear reads).
 */
export function returnedColumns(
  product: Product,
  plan: MaskPlan | null,
  tables: readonly string[] | undefined,
): readonly string[] {
  const owner: object = plan ?? product;
  let byTables = columnLists.get(owner);
  if (byTables === undefined) {
    byTables = new Map();
    columnLists.set(owner, byTables);
  }
  const key = tables === undefined ? '*' : tables.join(',');
  let columns = byTables.get(key);
  if (columns === undefined) {
    const list: string[] = [];
    for (const table of product.tables) {
      if (tables !== undefined && !tables.includes(table.name)) continue;
      const masked = new Set(maskedColumns(plan, table.name));
      for (const column of table.columns) {
        list.push(oneByte(`${table.name}.${column.name}${masked.has(column.name) ? MASKED_SUFFIX : ''}`));
      }
    }
    columns = Object.freeze(list);
    byTables.set(key, columns);
  }
  return columns;
}
