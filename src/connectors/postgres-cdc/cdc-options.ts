import { CellarError } from '../../errors.js';
import type { Product, SourceDef } from '../../product/types.js';

/** Events per delivered batch, and rows per snapshot fetch, by default. */
export const DEFAULT_CDC_BATCH_SIZE = 1000;
/** How often a status update goes to the server even when nothing changed, ms. */
export const DEFAULT_STATUS_INTERVAL_MS = 10_000;
/** First and longest wait between reconnection attempts, ms. */
export const DEFAULT_RECONNECT_MIN_MS = 250;
export const DEFAULT_RECONNECT_MAX_MS = 30_000;
/** Failed reconnections in a row after which a one-off sync (`follow: false`) gives up. */
export const DEFAULT_RECONNECT_ATTEMPTS = 8;

/** A source table, split and quoted once. */
export interface SourceTable {
  /** `schema.table`, as the spec (normalized: `public.` added when the spec gave no schema). */
  readonly key: string;
  readonly schema: string;
  readonly name: string;
  /** `"schema"."table"`, safe to put in SQL. */
  readonly sql: string;
  /** The product table it feeds. */
  readonly productTable: string;
}

/** The settings of a `postgres-cdc` (or `postgres-pull`) source, checked. */
export interface PgSourceOptions {
  /** Where the source is: `<product>/<source>`, for messages. */
  readonly where: string;
  readonly url: string;
  /** Source tables in the product's table order (root first, parents before children). */
  readonly tables: readonly SourceTable[];
  readonly tablesByKey: ReadonlyMap<string, SourceTable>;
  /** Logical replication slot name. Default `cellar_<product>_<source>` (lower-case, `_` for others). */
  readonly slot: string;
  /** Publication name. Default: the slot name. */
  readonly publication: string;
  readonly batchSize: number;
  readonly statusIntervalMs: number;
  readonly reconnectMinMs: number;
  readonly reconnectMaxMs: number;
  readonly reconnectAttempts: number;
}

const SLOT_NAME = /^[a-z0-9_]{1,63}$/;
const PUBLICATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const IDENTIFIER_MAX = 63;

/** `"name"` with embedded quotes doubled: safe as a SQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The default slot and publication name of a source. */
export function defaultSlotName(product: string, source: string): string {
  return `cellar_${product}_${source}`
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, IDENTIFIER_MAX);
}

function positiveInteger(
  where: string,
  options: SourceDef['options'],
  key: string,
  fallback: number,
): number {
  const value = options[key] ?? fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new CellarError(
      'CELLAR_ERR_SOURCE_CONFIG',
      `${where}: option ${key} must be a positive integer, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function splitTable(where: string, key: string, productTable: string): SourceTable {
  const dot = key.indexOf('.');
  const schema = dot < 0 ? 'public' : key.slice(0, dot);
  const name = dot < 0 ? key : key.slice(dot + 1);
  if (schema === '' || name === '' || name.includes('.')) {
    throw new CellarError(
      'CELLAR_ERR_SOURCE_CONFIG',
      `${where}: tables key ${JSON.stringify(key)} is not schema.table`,
    );
  }
  return Object.freeze({
    key: `${schema}.${name}`,
    schema,
    name,
    sql: `${quoteIdent(schema)}.${quoteIdent(name)}`,
    productTable,
  });
}

/**
 * Reads and checks the options of a PostgreSQL source. Throws CELLAR_ERR_SOURCE_CONFIG naming the
 * product, the source and the option at fault.
 */
export function pgSourceOptions(product: Product, source: SourceDef): PgSourceOptions {
  const where = `source ${product.name}/${source.name}`;
  const o = source.options;
  if (typeof o.url !== 'string' || o.url.trim() === '') {
    throw new CellarError('CELLAR_ERR_SOURCE_CONFIG', `${where}: option url is missing`, {
      hint: 'give a PostgreSQL connection URL (postgres://user@host:5432/db), or an environment variable holding one',
    });
  }
  if (source.tables.size === 0) {
    throw new CellarError('CELLAR_ERR_SOURCE_CONFIG', `${where}: tables is empty`, {
      hint: 'map each source table (schema.table) to a product table',
    });
  }
  const tables: SourceTable[] = [];
  for (const [key, target] of source.tables) {
    if (!product.tablesByName.has(target)) {
      throw new CellarError(
        'CELLAR_ERR_SOURCE_CONFIG',
        `${where}: tables maps ${key} to ${target}, which is not a table of the product`,
      );
    }
    tables.push(splitTable(where, key, target));
  }
  const rank = new Map(product.tables.map((t, i) => [t.name, i] as const));
  tables.sort((a, b) => (rank.get(a.productTable) ?? 0) - (rank.get(b.productTable) ?? 0));
  const slot = o.slot ?? defaultSlotName(product.name, source.name);
  if (typeof slot !== 'string' || !SLOT_NAME.test(slot)) {
    throw new CellarError(
      'CELLAR_ERR_SOURCE_CONFIG',
      `${where}: option slot must be 1–63 of a-z, 0-9 and _, got ${JSON.stringify(slot)}`,
    );
  }
  const publication = o.publication ?? slot;
  if (typeof publication !== 'string' || !PUBLICATION_NAME.test(publication)) {
    throw new CellarError(
      'CELLAR_ERR_SOURCE_CONFIG',
      `${where}: option publication must be a plain identifier (letters, digits, _), got ${JSON.stringify(publication)}`,
    );
  }
  const reconnectMinMs = positiveInteger(where, o, 'reconnectMinMs', DEFAULT_RECONNECT_MIN_MS);
  const reconnectMaxMs = positiveInteger(where, o, 'reconnectMaxMs', DEFAULT_RECONNECT_MAX_MS);
  if (reconnectMaxMs < reconnectMinMs) {
    throw new CellarError(
      'CELLAR_ERR_SOURCE_CONFIG',
      `${where}: reconnectMaxMs must not be below reconnectMinMs`,
    );
  }
  return Object.freeze({
    where,
    url: o.url,
    tables: Object.freeze(tables),
    tablesByKey: new Map(tables.map((t) => [t.key, t] as const)),
    slot,
    publication,
    batchSize: positiveInteger(where, o, 'batchSize', DEFAULT_CDC_BATCH_SIZE),
    statusIntervalMs: positiveInteger(where, o, 'statusIntervalMs', DEFAULT_STATUS_INTERVAL_MS),
    reconnectMinMs,
    reconnectMaxMs,
    reconnectAttempts: positiveInteger(where, o, 'reconnectAttempts', DEFAULT_RECONNECT_ATTEMPTS),
  });
}
