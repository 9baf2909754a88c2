import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteKeyStore } from '../../../../src/store/sqlite/key-store.js';
import { describeKeyStore } from '../key-store.contract.js';
import { tempDir } from './temp-dir.js';

describeKeyStore('SqliteKeyStore', async () => {
  const { dir, remove } = tempDir();
  const path = join(dir, 'keys', 'keys.db');
  return {
    store: SqliteKeyStore.open(path),
    reopen: async () => SqliteKeyStore.open(path),
    cleanup: async () => remove(),
  };
});

function filesContain(dir: string, needle: Buffer): string[] {
  return readdirSync(dir).filter((name) => readFileSync(join(dir, name)).includes(needle));
}

describe('SqliteKeyStore erasure', () => {
  it('leaves no copy of a deleted key in the database file or its WAL', async () => {
    const { dir, remove } = tempDir();
    try {
      const path = join(dir, 'keys.db');
      const store = SqliteKeyStore.open(path);
      const marker = Buffer.alloc(72, 0);
      marker.write('ERASE-ME-ERASE-ME-ERASE-ME', 10, 'ascii');
      const id = 'ab'.repeat(32);
      await store.putMany([
        { id, masterVersion: 1, wrapped: marker },
        { id: 'cd'.repeat(32), masterVersion: 1, wrapped: Buffer.alloc(72, 7) },
      ]);
      expect(filesContain(dir, marker).length).toBeGreaterThan(0);

      await store.delete(id);
      expect(filesContain(dir, marker)).toEqual([]);
      expect(await store.get('cd'.repeat(32))).toBeDefined();
      await store.close();
      expect(filesContain(dir, marker)).toEqual([]);
    } finally {
      remove();
    }
  });

  it('marks the file as a Cellar key store', async () => {
    const { dir, remove } = tempDir();
    try {
      const path = join(dir, 'keys.db');
      await SqliteKeyStore.open(path).close();
      const db = new Database(path, { readonly: true });
      expect(db.pragma('application_id', { simple: true })).toBe(0x434c524b);
      db.close();
    } finally {
      remove();
    }
  });
});
