import Database from 'better-sqlite3';
import { CellarError } from '../../errors.js';
import type { MicroDb } from '../../microdb/micro-db.js';
import { primaryKeyList, quoteIdent } from '../../microdb/sql-names.js';
import type { MaskPlan, Product, TableDef } from '../../product/types.js';
import { installedHashKeys } from '../masking/mask-install.js';
import { type HashKeyFor, maskColumnSql, planMask, registerMaskFunctions } from '../masking/mask-sql.js';

/** Schema name of the copy while it is built, attached to a private connection. */
const COPY = 'masked';

function notInstalled(): never {
  throw new CellarError('CELLAR_ERR_INTERNAL', 'a hash mask ran, but masking is not installed', {
    hint: 'call installMasking() with the keys from loadMaskHashKeys() at start-up',
  });
}

/** Declared type of every column of `table` in the micro-DB (`INTEGER`, `TEXT`…). */
function declaredTypes(db: Database.Database, table: TableDef): Map<string, string> {
  const rows = db.prepare('SELECT "name", "type" FROM pragma_table_info(?)').raw().all(table.name) as [
    string,
    string,
  ][];
  return new Map(rows);
}

/** Copies one table into the copy, masking column by column inside SQLite. */
function copyTable(db: Database.Database, product: Product, table: TableDef, plan: MaskPlan | null): void {
  const types = declaredTypes(db, table);
  const definitions: string[] = [];
  const names: string[] = [];
  const values: string[] = [];
  for (const column of table.columns) {
    const ref = quoteIdent(column.name);
    const mask = plan === null ? null : planMask(plan, table, column);
    const masked = mask === null ? undefined : maskColumnSql(product, column, mask, ref, 'stored');
    // A masked column has no declared type: its values may change kind ('****' where a number
    // was), and a type's affinity would silently convert them back (a hex hash into a number).
    const type = masked === undefined ? (types.get(column.name) ?? '') : '';
    definitions.push(type === '' ? ref : `${ref} ${type}`);
    names.push(ref);
    values.push(masked ?? ref);
  }
  const name = quoteIdent(table.name);
  db.exec(`CREATE TABLE ${quoteIdent(COPY)}.${name} (${definitions.join(', ')})`);
  db.exec(
    `INSERT INTO ${quoteIdent(COPY)}.${name} (${names.join(', ')})
     SELECT ${values.join(', ')} FROM "main".${name} ORDER BY ${primaryKeyList(table)}`,
  );
}

/**
 * A new SQLite database image holding only the product's tables of one entity — same table and
 * column names, no keys, no indexes, no `_cellar_*` tables — filled with the values `plan`
 * shows (`null`: as stored). Masking runs inside SQLite through the same mask functions as
 * masked reads, so a query on the copy sees exactly what a masked read shows.
 *
 * The micro-DB's image is copied into a private in-memory connection for the duration (and the
 * copy zeroed afterwards); nothing touches disk. `hashKeyFor` defaults to the keys given to
 * `installMasking`.
 */
export function buildMaskedCopy(
  product: Product,
  microDb: MicroDb,
  plan: MaskPlan | null,
  hashKeyFor: HashKeyFor | undefined = installedHashKeys(),
): Buffer {
  const image = microDb.serialize();
  let db: Database.Database | undefined;
  try {
    db = new Database(image);
    db.pragma('temp_store = MEMORY');
    db.defaultSafeIntegers(true);
    registerMaskFunctions(db, hashKeyFor ?? notInstalled);
    db.exec(`ATTACH ':memory:' AS ${quoteIdent(COPY)}`);
    db.exec(`PRAGMA ${quoteIdent(COPY)}.secure_delete = ON`);
    for (const table of product.tables) copyTable(db, product, table, plan);
    return db.serialize({ attached: COPY });
  } finally {
    db?.close();
    image.fill(0);
  }
}
