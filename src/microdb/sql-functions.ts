import type Database from 'better-sqlite3';
import { BASE64_FUNCTION } from './entity-reader.js';
import { bytesToBase64 } from './values/bytes.js';

/**
 * Registers extra SQL functions (or other per-connection setup) on a connection. Must be
 * synchronous and must not run statements that change the database.
 */
export type SqlExtension = (db: Database.Database) => void;

/** Process-wide: every micro-DB connection opened from now on gets these, in registration order. */
const extensions = new Set<SqlExtension>();

/**
 * Adds `extension` to every micro-DB connection opened after this call (masking registers its
 * SQL functions this way). Connections already open are not touched, so register at start-up,
 * before entities are loaded. Returns a function that removes it again (for tests).
 */
export function registerSqlExtension(extension: SqlExtension): () => void {
  extensions.add(extension);
  return () => {
    extensions.delete(extension);
  };
}

/**
 * Registers on a connection the SQL functions micro-DB reads use: `cellar_base64(blob)` → standard
 * base64 text (SQLite has no built-in one). Text is encoded as its UTF-8 bytes; NULL stays NULL.
 * Then applies every {@link registerSqlExtension} extension.
 */
export function registerSqlFunctions(db: Database.Database): void {
  db.function(BASE64_FUNCTION, { deterministic: true }, (value: unknown) => {
    if (value === null || value === undefined) return null;
    if (value instanceof Uint8Array) return bytesToBase64(value);
    return Buffer.from(String(value)).toString('base64');
  });
  for (const extension of extensions) extension(db);
}
