import type { ColumnTransform } from '../../microdb/entity-reader.js';
import type { Product } from '../../product/types.js';
import { tokenColumns } from './token-columns.js';

const byProduct = new WeakMap<Product, ColumnTransform | null>();

/**
 * The read transform of a `clear` role: every tokenized column shows the value its token stands
 * for, looked up in the entity's own vault inside SQLite (one primary-key probe per value). A
 * stored value that is not a token of this entity (written before the column was tokenized) is
 * shown as stored. Undefined when the product tokenizes nothing: reads then need no transform.
 */
export function detokenizeTransform(product: Product): ColumnTransform | undefined {
  let transform = byProduct.get(product);
  if (transform === undefined) {
    const tokenized = new Set(tokenColumns(product).map((c) => c.column));
    transform =
      tokenized.size === 0
        ? null
        : Object.freeze({
            id: `clear:${product.name}`,
            expr: (_table, column, jsonExpr, columnRef) =>
              tokenized.has(column)
                ? `coalesce((SELECT "value" FROM "_cellar_vault" WHERE "token" = ${columnRef}), ${jsonExpr})`
                : jsonExpr,
          } satisfies ColumnTransform);
    byProduct.set(product, transform);
  }
  return transform ?? undefined;
}
