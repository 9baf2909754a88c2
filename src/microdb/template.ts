import Database from 'better-sqlite3';
import type { Product } from '../product/types.js';
import { INTERNAL_DDL, META_KEYS, MICRODB_FORMAT, PAGE_SIZE } from './internal-tables.js';

const templates = new WeakMap<Product, Buffer>();

/**
 * A new `:memory:` connection holding the product's empty micro-DB, built step by step: its image
 * is the template byte for byte. The image builder (image-builder.ts) keeps one open.
 */
export function templateConnection(product: Product): Database.Database {
  const db = new Database(':memory:');
  try {
    // Page size and auto-vacuum only take effect before the first table exists.
    db.pragma(`page_size = ${PAGE_SIZE}`);
    db.pragma('auto_vacuum = NONE');
    db.pragma('journal_mode = MEMORY');
    const build = db.transaction(() => {
      for (const table of product.tables) db.exec(table.ddl);
      for (const ddl of INTERNAL_DDL) db.exec(ddl);
      const meta = db.prepare('INSERT INTO "_cellar_meta" ("key", "value") VALUES (?, ?)');
      for (const [key, value] of templateMeta(product)) meta.run(key, value);
    });
    build();
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

function buildTemplate(product: Product): Buffer {
  const db = templateConnection(product);
  try {
    return db.serialize();
  } finally {
    db.close();
  }
}

/**
 * The `_cellar_meta` rows of a product's template, in the order they are inserted (which the
 * image's page layout depends on): format, product, product version.
 */
export function templateMeta(product: Product): readonly (readonly [string, string | bigint])[] {
  return [
    [META_KEYS.format, BigInt(MICRODB_FORMAT)],
    [META_KEYS.product, product.name],
    [META_KEYS.productVersion, product.version],
  ];
}

const metaByProduct = new WeakMap<Product, ReadonlyMap<string, string | bigint>>();

/** One `_cellar_meta` value of the product's template ({@link templateMeta}), or undefined. */
export function templateMetaValue(product: Product, key: string): string | bigint | undefined {
  let meta = metaByProduct.get(product);
  if (meta === undefined) {
    meta = new Map(templateMeta(product));
    metaByProduct.set(product, meta);
  }
  return meta.get(key);
}

/**
 * The empty micro-DB image of a product: every table's DDL plus the internal tables, 512-byte
 * pages, no auto-vacuum, and `_cellar_meta` holding format, product and product version (but no
 * entity id). Built once per `Product` object and memoized.
 *
 * Caveat: the returned Buffer is shared by every caller (it also serves as the codec's
 * compression dictionary); never mutate it. `new Database(buffer)` copies it, so opening is safe.
 */
export function microDbTemplate(product: Product): Buffer {
  let image = templates.get(product);
  if (image === undefined) {
    image = buildTemplate(product);
    templates.set(product, image);
  }
  return image;
}
