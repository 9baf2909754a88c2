import type Database from 'better-sqlite3';
import { STORAGE_CLASS } from '../product/ddl.js';
import type { SchemaDiff } from '../product/schema-diff.js';
import type { Product } from '../product/types.js';
import { META_KEYS } from './internal-tables.js';
import { quoteIdent, tableOf } from './sql-names.js';

/**
 * Brings an open image written under an older spec to `product`'s schema, in one transaction:
 * creates new tables, adds new columns (NULL in existing rows), drops removed ones, and records
 * the product version. The connection zeroes freed pages (`secure_delete`), so dropped values do
 * not linger in the image. `diff` must have no blockers (see diffSchemas).
 */
export function migrateImage(db: Database.Database, product: Product, diff: SchemaDiff): void {
  const migrate = db.transaction(() => {
    for (const step of diff.steps) {
      const table = quoteIdent(step.table);
      switch (step.kind) {
        case 'create-table':
          db.exec(tableOf(product, step.table).ddl);
          break;
        case 'drop-table':
          db.exec(`DROP TABLE ${table}`);
          break;
        case 'add-column':
          db.exec(
            `ALTER TABLE ${table} ADD COLUMN ${quoteIdent(step.column.name)} ${STORAGE_CLASS[step.column.type]}`,
          );
          break;
        case 'drop-column':
          db.exec(`ALTER TABLE ${table} DROP COLUMN ${quoteIdent(step.column)}`);
          break;
      }
    }
    db.prepare('INSERT OR REPLACE INTO "_cellar_meta" ("key", "value") VALUES (?, ?)').run(
      META_KEYS.productVersion,
      product.version,
    );
  });
  migrate();
}
