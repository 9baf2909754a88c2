import { CellarError } from '../../errors.js';
import type { ColumnDef, Product, TableDef, TokenKind } from '../../product/types.js';

/** A tokenized column of a product: `tokenize` is set in its spec. */
export interface TokenColumn {
  readonly table: TableDef;
  readonly column: ColumnDef;
  readonly kind: TokenKind;
  /** `table.column`: how vault entries and requests name it. */
  readonly name: string;
}

const byProduct = new WeakMap<Product, readonly TokenColumn[]>();
const byTable = new WeakMap<TableDef, readonly TokenColumn[]>();

/** Every tokenized column of the product, in table and column order (computed once per product). */
export function tokenColumns(product: Product): readonly TokenColumn[] {
  let columns = byProduct.get(product);
  if (columns === undefined) {
    const list: TokenColumn[] = [];
    for (const table of product.tables) {
      for (const column of table.columns) {
        if (column.tokenize !== undefined) {
          list.push(
            Object.freeze({ table, column, kind: column.tokenize, name: `${table.name}.${column.name}` }),
          );
        }
      }
    }
    columns = Object.freeze(list);
    byProduct.set(product, columns);
  }
  return columns;
}

/** The tokenized columns of one table (computed once per table). */
export function tableTokenColumns(product: Product, table: TableDef): readonly TokenColumn[] {
  let columns = byTable.get(table);
  if (columns === undefined) {
    columns = Object.freeze(tokenColumns(product).filter((c) => c.table === table));
    byTable.set(table, columns);
  }
  return columns;
}

/**
 * The tokenized column a request names: `table.column`, or a bare column name when exactly one
 * tokenized column has it. CELLAR_ERR_TOKEN_COLUMN otherwise (never echoing more than the name).
 */
export function resolveTokenColumn(product: Product, name: string): TokenColumn {
  const columns = tokenColumns(product);
  const matches = name.includes('.')
    ? columns.filter((c) => c.name === name)
    : columns.filter((c) => c.column.name === name);
  const [only] = matches;
  if (only !== undefined && matches.length === 1) return only;
  const shown = name.length > 128 ? `${name.slice(0, 125)}...` : name;
  throw new CellarError(
    'CELLAR_ERR_TOKEN_COLUMN',
    matches.length > 1
      ? `"${shown}" names several tokenized columns of ${product.name}; write it as table.column`
      : `${product.name} has no tokenized column "${shown}"`,
    {
      hint:
        columns.length === 0
          ? `${product.name} tokenizes no column`
          : `tokenized columns: ${columns.map((c) => c.name).join(', ')}`,
    },
  );
}
