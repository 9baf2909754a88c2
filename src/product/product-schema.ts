import { CellarError } from '../errors.js';
import { COLUMN_TYPES, type ColumnType, type EntityRoute, type Product, type TokenKind } from './types.js';

/** What a stored micro-DB image depends on in one column: its type and stored form. */
export interface SchemaColumn {
  readonly name: string;
  readonly type: ColumnType;
  readonly scale: number | null;
  readonly tokenize: TokenKind | null;
}

/** What a stored micro-DB image depends on in one table. */
export interface SchemaTable {
  readonly name: string;
  readonly primaryKey: readonly string[];
  readonly route: EntityRoute;
  readonly columns: readonly SchemaColumn[];
}

/**
 * The part of a product that decides the layout and meaning of its micro-DB images — tables,
 * keys, routes, column types and stored forms — and nothing else (masks, access and sources can
 * change freely). Recorded beside each product template in the store, so that an image written
 * under an older spec can be migrated to the current one (see schema-diff.ts).
 */
export interface ProductSchema {
  readonly product: string;
  readonly version: string;
  readonly tables: readonly SchemaTable[];
}

/** The schema of a compiled product. */
export function productSchema(product: Product): ProductSchema {
  return {
    product: product.name,
    version: product.version,
    tables: product.tables.map((t) => ({
      name: t.name,
      primaryKey: [...t.primaryKey],
      route: { ...t.route },
      columns: t.columns.map((c) => ({
        name: c.name,
        type: c.type,
        scale: c.scale ?? null,
        tokenize: c.tokenize ?? null,
      })),
    })),
  };
}

function invalid(detail: string): CellarError {
  return new CellarError('CELLAR_ERR_STORE_SCHEMA', `a stored product schema is invalid: ${detail}`, {
    hint: 'the store was changed by something other than Cellar; restore it from a backup',
  });
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function parseRoute(value: unknown, table: string): EntityRoute {
  const r = value as Partial<Record<'kind' | 'column' | 'table' | 'key', unknown>> | null;
  if (r?.kind === 'root' || r?.kind === 'column') {
    if (typeof r.column !== 'string') throw invalid(`table ${table}: route has no column`);
    return { kind: r.kind, column: r.column };
  }
  if (r?.kind === 'parent' && typeof r.table === 'string' && typeof r.key === 'string')
    return { kind: 'parent', table: r.table, key: r.key };
  throw invalid(`table ${table}: unknown route`);
}

function parseColumn(value: unknown, table: string): SchemaColumn {
  const c = value as Partial<Record<keyof SchemaColumn, unknown>> | null;
  if (typeof c?.name !== 'string') throw invalid(`table ${table}: a column has no name`);
  if (!COLUMN_TYPES.includes(c.type as ColumnType))
    throw invalid(`column ${table}.${c.name}: unknown type ${String(c.type)}`);
  const scale = c.scale ?? null;
  if (scale !== null && !Number.isInteger(scale)) throw invalid(`column ${table}.${c.name}: bad scale`);
  const tokenize = c.tokenize ?? null;
  if (tokenize !== null && tokenize !== 'opaque' && tokenize !== 'format-preserving')
    throw invalid(`column ${table}.${c.name}: bad tokenize`);
  return { name: c.name, type: c.type as ColumnType, scale: scale as number | null, tokenize };
}

/**
 * Reads a schema stored as JSON by {@link productSchema}.
 * @throws CellarError `CELLAR_ERR_STORE_CORRUPT` when the text is not such a schema.
 */
export function parseProductSchema(text: string): ProductSchema {
  let doc: Partial<Record<keyof ProductSchema, unknown>>;
  try {
    doc = JSON.parse(text) as typeof doc;
  } catch {
    throw invalid('not JSON');
  }
  if (typeof doc.product !== 'string' || typeof doc.version !== 'string' || !Array.isArray(doc.tables))
    throw invalid('product, version or tables missing');
  const tables = doc.tables.map((value: unknown) => {
    const t = value as Partial<Record<keyof SchemaTable, unknown>> | null;
    if (typeof t?.name !== 'string') throw invalid('a table has no name');
    if (!isStringArray(t.primaryKey)) throw invalid(`table ${t.name}: bad primary key`);
    if (!Array.isArray(t.columns)) throw invalid(`table ${t.name}: no columns`);
    const name = t.name;
    return {
      name,
      primaryKey: t.primaryKey,
      route: parseRoute(t.route, name),
      columns: t.columns.map((c: unknown) => parseColumn(c, name)),
    };
  });
  return { product: doc.product, version: doc.version, tables };
}
