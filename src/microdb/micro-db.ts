import type Database from 'better-sqlite3';
import { CellarError } from '../errors.js';
import type { SchemaDiff } from '../product/schema-diff.js';
import type { Product } from '../product/types.js';
import { CONNECTION_BYTES, openConnection, PENDING_MICRODB_BYTES, STATEMENT_BYTES } from './connection.js';
import { type Connection, connection, DeferredConnection } from './deferred-connection.js';
import { type ColumnTransform, entityReadSql, resolveReadTables, tableReadSql } from './entity-reader.js';
import type { ChangeRecord, RecordedChange } from './internal-store.js';
import { META_KEYS, MICRODB_FORMAT, watermarkKey } from './internal-tables.js';
import { deleteRowSql, selectAllSql, selectByColumnSql, selectRowSql, truncateSql } from './row-sql.js';
import { migrateImage } from './schema-migration.js';
import { columnOf, keyedTableOf, quoteIdent, tableOf } from './sql-names.js';
import type { StatementCache } from './statement-cache.js';
import type { JsonValue, StoredRow, StoredValue } from './stored-value.js';
import { microDbTemplate } from './template.js';
import type { VaultStore } from './vault-store.js';

export { CONNECTION_BYTES, STATEMENT_BYTES } from './connection.js';
export type { ChangeRecord, RecordedChange } from './internal-store.js';

function imageError(product: Product, detail: string, cause?: unknown): CellarError {
  return new CellarError(
    'CELLAR_ERR_MICRODB_IMAGE',
    `the image is not a micro-DB of ${product.name}: ${detail}`,
    {
      hint: 'the blob may belong to another product, or come from an incompatible Cellar version',
      cause,
    },
  );
}

/**
 * One entity's micro-database: an in-memory SQLite connection holding the product's tables with
 * only this entity's rows, plus the internal `_cellar_*` tables. Every statement is prepared once
 * per connection and cached; integers are read as bigint.
 *
 * One made by {@link create} opens no connection until a call needs it (see DeferredConnection):
 * every call returns and throws exactly what it would on an open connection.
 *
 * Caveats: the image lives in memory and leaves it only through {@link serialize} (which the
 * codec encrypts). Not safe to share across worker threads. Table and column names are checked
 * against the product; values are not — coerce them with `toStored` first.
 */
export class MicroDb {
  readonly product: Product;
  readonly entityId: string;
  /** Product version the image was built for (a later spec version may need a migration). */
  readonly productVersion: string;
  /** The connection, or (a new micro-DB) the pending writes standing for it until it is needed. */
  readonly #db: DeferredConnection;
  /** The entity's token vault (`_cellar_vault`): token → column and value. */
  readonly vault: VaultStore;
  /** Image bytes when last opened or serialized; {@link byteSize} uses it to stay query-free. */
  #knownImageBytes = 0;

  /** `conn` undefined: a new micro-DB, its connection not opened yet (see {@link create}). */
  private constructor(product: Product, conn: Connection | undefined, entityId: string, version: string) {
    this.product = product;
    this.entityId = entityId;
    this.productVersion = version;
    this.#db = new DeferredConnection(product, conn);
    this.vault = this.#db.vault;
  }

  /** A new, empty micro-DB for `entityId`, made from the product's template (no connection yet). */
  static create(product: Product, entityId: string): MicroDb {
    const microDb = new MicroDb(product, undefined, entityId, product.version);
    microDb.#db.setMeta(META_KEYS.entityId, entityId);
    microDb.#knownImageBytes = microDbTemplate(product).byteLength;
    return microDb;
  }

  /**
   * Opens an image made by {@link serialize}. The image is copied; the caller may reuse it. An
   * image written under an earlier spec is brought to this one by `migration` (schema-diff.ts).
   * @throws CellarError `CELLAR_ERR_MICRODB_IMAGE` when it is not a micro-DB of this product.
   */
  static open(product: Product, image: Uint8Array, migration?: SchemaDiff): MicroDb {
    const buffer = Buffer.isBuffer(image)
      ? image
      : Buffer.from(image.buffer, image.byteOffset, image.byteLength);
    let db: Database.Database | undefined;
    try {
      db = openConnection(buffer);
      // Validated through the cached statement later meta reads use (syncedAt, watermarks): a
      // cold read then prepares one statement fewer (~4 µs each).
      const conn = connection(db);
      const meta = (key: string) => conn.internal.getMeta(key);
      const format = meta(META_KEYS.format);
      if (format !== BigInt(MICRODB_FORMAT))
        throw imageError(product, `format ${String(format)} is not ${MICRODB_FORMAT}`);
      if (meta(META_KEYS.product) !== product.name) throw imageError(product, 'it names another product');
      const entityId = meta(META_KEYS.entityId);
      if (typeof entityId !== 'string') throw imageError(product, 'it has no entity id');
      if (migration !== undefined) migrateImage(db, product, migration);
      const version = migration === undefined ? String(meta(META_KEYS.productVersion)) : product.version;
      const microDb = new MicroDb(product, conn, entityId, version);
      microDb.#knownImageBytes = buffer.byteLength;
      return microDb;
    } catch (err) {
      db?.close();
      if (err instanceof CellarError) throw err;
      throw imageError(product, err instanceof Error ? err.message : String(err), err);
    }
  }

  /**
   * Inserts or updates one row by primary key. Columns absent from `row` (or `undefined`) keep
   * their stored value on update and are NULL on insert.
   * @throws CellarError `CELLAR_ERR_EVENT_MISSING_KEY` when a key column is absent or null;
   *   `CELLAR_ERR_TABLE_NOT_FOUND` / `CELLAR_ERR_COLUMN_NOT_FOUND` for names the product lacks.
   */
  upsert(table: string, row: Readonly<Record<string, StoredValue | undefined>>): void {
    const def = tableOf(this.product, table);
    for (const name of Object.keys(row)) if (!def.columnsByName.has(name)) columnOf(def, name);
    for (const key of def.primaryKey) {
      if (row[key] === undefined || row[key] === null) {
        throw new CellarError(
          'CELLAR_ERR_EVENT_MISSING_KEY',
          `a ${table} row lacks its primary key column ${key}`,
        );
      }
    }
    this.#db.upsert(def, row);
  }

  /** Deletes one row by primary key (values in key order); true when a row was deleted. */
  delete(table: string, pk: readonly StoredValue[]): boolean {
    const def = keyedTableOf(this.product, table, pk);
    if (this.#db.pending?.rowWrites(table) === 0) return false;
    return (
      this.#sql()
        .get(`delete:${table}`, () => deleteRowSql(def))
        .run(pk).changes > 0
    );
  }

  /** One row by primary key, or undefined. */
  getRow(table: string, pk: readonly StoredValue[]): StoredRow | undefined {
    const def = keyedTableOf(this.product, table, pk);
    if (this.#db.pending?.rowWrites(table) === 0) return undefined;
    return this.#sql()
      .get(`row:${table}`, () => selectRowSql(def))
      .get(pk) as StoredRow | undefined;
  }

  /** Every row whose `column` equals `value`, in key order (children to move with a parent). */
  rowsByColumn(table: string, column: string, value: StoredValue): StoredRow[] {
    const def = tableOf(this.product, table);
    columnOf(def, column);
    if (this.#db.pending?.rowWrites(table) === 0) return [];
    return this.#sql()
      .get(`by:${table}\0${column}`, () => selectByColumnSql(def, column))
      .all(value) as StoredRow[];
  }

  /** Every row of a table, in key order. */
  allRows(table: string): StoredRow[] {
    const def = tableOf(this.product, table);
    if (this.#db.pending?.rowWrites(table) === 0) return [];
    return this.#sql()
      .get(`all:${table}`, () => selectAllSql(def))
      .all() as StoredRow[];
  }

  /** Deletes every row of a table; returns how many. */
  truncate(table: string): number {
    const def = tableOf(this.product, table);
    if (this.#db.pending?.rowWrites(table) === 0) return 0;
    return this.#sql()
      .get(`truncate:${table}`, () => truncateSql(def))
      .run().changes;
  }

  /** True when the root row is absent. */
  isEmpty(): boolean {
    const root = this.product.root;
    // Every logged upsert leaves a row (deletes open the connection first).
    const pending = this.#db.pending;
    if (pending !== undefined) return pending.rowWrites(root.name) === 0;
    const sql = () => `SELECT 1 FROM ${quoteIdent(root.name)} LIMIT 1`;
    return this.#sql().get('empty', sql, true).get() === undefined;
  }

  /** The highest applied `SourcePosition.order` of `stream`, or undefined. */
  watermark(stream: string): bigint | undefined {
    const value = this.#db.getMeta(watermarkKey(stream));
    return value === undefined || value === null ? undefined : BigInt(value as string);
  }

  setWatermark(stream: string, order: bigint): void {
    this.#db.setMeta(watermarkKey(stream), order.toString());
  }

  /** Appends to `_cellar_changes`, keeping at most `limit` rows (the newest). */
  recordChange(change: ChangeRecord, limit: number): void {
    this.#db.recordChange(change, limit);
  }

  /** The recorded change history, oldest first. */
  changes(): RecordedChange[] {
    return this.#db.changes();
  }

  /** Records when the image was last made durable (epoch ms). */
  setSyncedAt(ms: number): void {
    // A bigint binds as an INTEGER; a JS number would be stored as REAL in the untyped column.
    this.#db.setMeta(META_KEYS.syncedAt, BigInt(Math.trunc(ms)));
  }

  syncedAt(): number | undefined {
    const value = this.#db.getMeta(META_KEYS.syncedAt);
    return value === undefined || value === null ? undefined : Number(value);
  }

  /**
   * The entity as JSON text: `{ "<root>": {…} | null, "<child>": [ … ] }` for the given tables
   * (default all, always in product order), rows in key order, values in their JSON form. One
   * cached statement per table set and transform; the text is built inside SQLite.
   */
  readJson(tables?: readonly string[], transform?: ColumnTransform): string {
    const key = `read:${transform?.id ?? ''}\0${tables === undefined ? '*' : tables.join('\0')}`;
    const sql = () => entityReadSql(resolveReadTables(this.product, tables), transform);
    return this.#sql().get(key, sql, true).get() as string;
  }

  /** {@link readJson}, parsed. */
  read(tables?: readonly string[], transform?: ColumnTransform): Record<string, JsonValue> {
    return JSON.parse(this.readJson(tables, transform)) as Record<string, JsonValue>;
  }

  /** One table's rows as JSON array text, in key order, skipping `offset` and at most `limit`. */
  readTableJson(table: string, limit: number, offset = 0, transform?: ColumnTransform): string {
    const def = tableOf(this.product, table);
    if (!Number.isSafeInteger(limit) || limit < 0 || !Number.isSafeInteger(offset) || offset < 0) {
      throw new CellarError(
        'CELLAR_ERR_INTERNAL',
        `limit and offset must be non-negative integers, got ${limit} and ${offset}`,
      );
    }
    const key = `table:${transform?.id ?? ''}\0${table}`;
    return this.#sql()
      .get(key, () => tableReadSql(def, transform), true)
      .get(limit, offset) as string;
  }

  /** Runs `fn` in one transaction (rolled back if it throws). `fn` must not await. */
  transaction<T>(fn: () => T): T {
    return this.#db.open().db.transaction(fn)();
  }

  /**
   * The whole image, ready for the codec. A micro-DB whose connection is not open has it built
   * by the product's shared builder (src/microdb/image-builder.ts) while its writes are few.
   */
  serialize(): Buffer {
    const image = this.#db.serialize();
    this.#knownImageBytes = image.byteLength;
    return image;
  }

  /** Exact bytes of the image (pages × page size): what {@link serialize} returns. */
  imageSize(): number {
    const sql = () => 'SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()';
    return Number(this.#sql().get('size', sql, true).get());
  }

  /**
   * Estimated bytes this micro-DB keeps resident: the image, plus the connection's own memory
   * and its cached statements (see {@link CONNECTION_BYTES}), which outweigh a small image
   * many times over. The entity cache bounds memory with it.
   */
  byteSize(): number {
    // Not opened yet: its write log (~2 KB; ~150 KB opened — the opener has the cache re-read it).
    const pending = this.#db.pending;
    if (pending !== undefined) return PENDING_MICRODB_BYTES + pending.bytes;
    // The image size as of the last open or serialize: exact after a flush, and query-free.
    return this.#knownImageBytes + CONNECTION_BYTES + this.#db.statementCount * STATEMENT_BYTES;
  }

  /** Rebuilds the image without free pages (after many deletes). */
  compact(): void {
    this.#db.open().db.exec('VACUUM');
  }

  /** True until {@link close}. */
  get isOpen(): boolean {
    return this.#db.isOpen;
  }

  /** Closes the connection (or drops the pending writes); idempotent. */
  close(): void {
    this.#db.close();
  }

  /** The statement cache of the open connection (opening it first). */
  #sql(): StatementCache {
    return this.#db.open().statements;
  }
}
