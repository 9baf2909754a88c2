import type Database from 'better-sqlite3';
import { BASE64_FUNCTION } from './entity-reader.js';
import { bytesToBase64 } from './values/bytes.js';

/**
 * Registers on a connection the SQL functions micro-DB reads use: `cellar_base64(blob)` → standard
 * base64 text (SQLite has no built-in one). Text is encoded as its UTF-8 bytes; NULL stays NULL.
 */
export function registerSqlFunctions(db: Database.Database): void {
  db.function(BASE64_FUNCTION, { deterministic: true }, (value: unknown) => {
    if (value === null || value === undefined) return null;
    if (value instanceof Uint8Array) return bytesToBase64(value);
    return Buffer.from(String(value)).toString('base64');
  });
}
