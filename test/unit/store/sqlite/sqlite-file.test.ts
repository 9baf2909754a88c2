import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BLOB_STORE_SCHEMA, KEY_STORE_SCHEMA } from '../../../../src/store/sqlite/schema.js';
import { openSqliteFile } from '../../../../src/store/sqlite/sqlite-file.js';
import { tempDir } from './temp-dir.js';

describe('openSqliteFile', () => {
  it('opens with WAL, synchronous=FULL and the busy timeout asked for', () => {
    const { dir, remove } = tempDir();
    try {
      const db = openSqliteFile(join(dir, 'x.db'), BLOB_STORE_SCHEMA, { busyTimeoutMs: 1234 });
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
      expect(db.pragma('busy_timeout', { simple: true })).toBe(1234);
      expect(db.pragma('secure_delete', { simple: true })).toBe(0);
      db.close();
    } finally {
      remove();
    }
  });

  it('turns on secure_delete when asked', () => {
    const { dir, remove } = tempDir();
    try {
      const db = openSqliteFile(join(dir, 'k.db'), KEY_STORE_SCHEMA, { secureDelete: true });
      expect(db.pragma('secure_delete', { simple: true })).toBe(1);
      db.close();
    } finally {
      remove();
    }
  });

  it('creates every table of the schema', () => {
    const db = openSqliteFile(':memory:', BLOB_STORE_SCHEMA);
    const tables = db
      .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
      .pluck()
      .all();
    expect(tables).toEqual(['blobs', 'dead_letters', 'parked', 'positions', 'routes', 'templates', 'tokens']);
    db.close();
  });
});
