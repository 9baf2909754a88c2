import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteKeyStore } from '../../../../src/store/sqlite/key-store.js';
import { KEY_STORE_SCHEMA } from '../../../../src/store/sqlite/schema.js';
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

  it("leaves no copy of a re-wrapped key's old wrap in the database file or its WAL", async () => {
    const { dir, remove } = tempDir();
    try {
      const store = SqliteKeyStore.open(join(dir, 'keys.db'));
      const old = Buffer.alloc(72, 0);
      old.write('OLD-WRAP-OLD-WRAP-OLD-WRAP', 10, 'ascii');
      const id = 'ab'.repeat(32);
      await store.putMany([{ id, masterVersion: 1, wrapped: old }]);
      expect(filesContain(dir, old).length).toBeGreaterThan(0);
      const applied = await store.rewrapMany([
        {
          from: { id, masterVersion: 1, wrapped: old },
          to: { id, masterVersion: 2, wrapped: Buffer.alloc(72, 5) },
        },
      ]);
      expect(applied).toBe(1);
      expect(filesContain(dir, old)).toEqual([]);
      await store.close();
    } finally {
      remove();
    }
  });

  it('migrates a schema version 1 file to version 2, keeping its keys', async () => {
    const { dir, remove } = tempDir();
    try {
      const path = join(dir, 'v1.db');
      const v1 = new Database(path);
      v1.pragma(`application_id = ${KEY_STORE_SCHEMA.applicationId}`);
      v1.exec(KEY_STORE_SCHEMA.migrations[0] ?? '');
      v1.pragma('user_version = 1');
      v1.prepare('INSERT INTO keys VALUES (?, ?, ?)').run('system:index', 1, Buffer.alloc(72, 1));
      v1.close();
      const store = SqliteKeyStore.open(path);
      expect((await store.get('system:index'))?.masterVersion).toBe(1);
      expect(await store.getRotation()).toBeUndefined();
      await store.close();
      const db = new Database(path, { readonly: true });
      expect(db.pragma('user_version', { simple: true })).toBe(2);
      db.close();
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

describe('SqliteKeyStore erase', () => {
  it('leaves no copy of an erased key in the database file or its WAL', async () => {
    const { dir, remove } = tempDir();
    try {
      const store = SqliteKeyStore.open(join(dir, 'keys.db'));
      const marker = Buffer.alloc(72, 0);
      marker.write('SHRED-ME-SHRED-ME-SHRED-ME', 10, 'ascii');
      const id = 'ef'.repeat(32);
      await store.putMany([{ id, masterVersion: 1, wrapped: marker }]);
      expect(filesContain(dir, marker).length).toBeGreaterThan(0);
      await store.erase({ product: 'p', key: id, at: 1 });
      expect(filesContain(dir, marker)).toEqual([]);
      expect(await store.suppressed('p', [id])).toEqual(new Set([id]));
      await store.close();
    } finally {
      remove();
    }
  });
});
