/**
 * The internal tables every micro-DB carries beside the product's own (names start with
 * `_cellar`, which specs may not use).
 */

/** Version of the internal-table layout; stored in `_cellar_meta` as `format`. */
export const MICRODB_FORMAT = 1;

/** Keys of `_cellar_meta`. Watermarks use {@link watermarkKey}. */
export const META_KEYS = {
  format: 'format',
  product: 'product',
  productVersion: 'product_version',
  entityId: 'entity_id',
  /** Epoch ms of the last flush that made this image durable. */
  syncedAt: 'synced_at',
} as const;

/** Meta key holding the highest applied `SourcePosition.order` of a stream, as decimal text. */
export function watermarkKey(stream: string): string {
  return `wm:${stream}`;
}

/**
 * DDL of the internal tables.
 * - `_cellar_meta`: key → value (product, version, entity id, watermarks, synced_at).
 * - `_cellar_changes`: recent change history, oldest rows deleted beyond a limit. `pk` is the row's
 *   primary key as a JSON array; `at` the source commit time in epoch ms.
 * - `_cellar_vault`: tokens issued for this entity's values (used by tokenization); the index
 *   serves deterministic tokens (same column and value → same token).
 */
export const INTERNAL_DDL: readonly string[] = [
  'CREATE TABLE "_cellar_meta" ("key" TEXT NOT NULL PRIMARY KEY, "value") WITHOUT ROWID',
  `CREATE TABLE "_cellar_changes" ("seq" INTEGER PRIMARY KEY, "at" INTEGER NOT NULL, "op" TEXT NOT NULL,
    "tbl" TEXT NOT NULL, "pk" TEXT NOT NULL, "stream" TEXT NOT NULL, "token" TEXT NOT NULL)`,
  `CREATE TABLE "_cellar_vault" ("token" TEXT NOT NULL PRIMARY KEY, "col" TEXT NOT NULL, "value",
    "created_at" INTEGER NOT NULL) WITHOUT ROWID`,
  'CREATE INDEX "_cellar_vault_by_value" ON "_cellar_vault" ("col", "value")',
];

/**
 * Per-connection settings. Neither persists in the image, so every open applies them: temp data
 * stays in memory (plaintext never reaches a temp file) and freed pages are zeroed (a deleted row
 * does not linger in later images). The rollback journal of a deserialized database is already
 * in memory (`journal_mode = memory`); setting it again would cost a schema read on every open.
 */
export const CONNECTION_PRAGMAS: readonly string[] = [
  'PRAGMA temp_store = MEMORY',
  'PRAGMA secure_delete = ON',
];

/** Page size of every image: small, because a micro-DB holds a handful of rows. */
export const PAGE_SIZE = 512;
